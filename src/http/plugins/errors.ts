import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { ErrorBody, ErrorCode } from '../../contracts/system.ts';
import { isAppError } from '../../lib/errors.ts';

export const statusByCode: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNPROCESSABLE: 422,
  RATE_LIMITED: 429,
  UPSTREAM: 502,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

const codeByStatus = (status: number): ErrorCode => {
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 404) return 'NOT_FOUND';
  if (status === 401) return 'UNAUTHORIZED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 409) return 'CONFLICT';
  if (status === 422) return 'UNPROCESSABLE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'UNAVAILABLE';
  return status >= 400 && status < 500 ? 'VALIDATION' : 'INTERNAL';
};

export function sendError(request: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, error: string, details?: unknown) {
  const body: ErrorBody = { error, code, requestId: request.id, ...(details === undefined ? {} : { details }) };
  return reply.status(status).type('application/json; charset=utf-8').send(body);
}

/** The one place errors become HTTP: AppError codes map to statuses, everything unknown is a bare 500. */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      return sendError(request, reply, statusByCode[error.code], error.code, error.message, error.details);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: [error.validationContext ?? 'body', ...v.instancePath.split('/').filter(Boolean)].join('.'),
        message: v.message ?? 'invalid',
      }));
      // Seed 000's wording when the only problem is absent top-level fields: "Missing required fields: a, b".
      const body = request.body && typeof request.body === 'object' ? (request.body as Record<string, unknown>) : null;
      const topLevel = error.validation.map((v) => v.instancePath.split('/').filter(Boolean));
      const missing = topLevel.filter((path) => path.length === 1 && body !== null && body[path[0] as string] === undefined).map((path) => path[0] as string);
      if ((error.validationContext ?? 'body') === 'body' && missing.length > 0 && missing.length === issues.length) {
        // A schema's own wording wins ("taskIds array is required"); zod's generic one becomes the seed's list.
        const custom = error.validation.map((v) => v.message ?? '').filter((m) => !/^Invalid /.test(m));
        const message = custom.length === issues.length ? custom.join('; ') : `Missing required fields: ${missing.join(', ')}`;
        return sendError(request, reply, 400, 'VALIDATION', message, { issues, missing });
      }
      const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return sendError(request, reply, 400, 'VALIDATION', `Invalid request: ${summary}`, { issues });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error }, 'response did not match its schema');
      return sendError(request, reply, 500, 'INTERNAL', 'Internal error');
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      const message =
        error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError
          ? 'Malformed JSON in request body'
          : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
            ? 'Request body is too large'
            : error.message;
      return sendError(request, reply, status, codeByStatus(status), message);
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendError(request, reply, 500, 'INTERNAL', `Internal error (request ${request.id})`);
  });
}

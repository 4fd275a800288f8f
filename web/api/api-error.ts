import type { ErrorBody } from '../../src/contracts/system.ts';

export type ApiErrorKind = 'network' | 'http' | 'invalid-response';

interface ApiErrorInit {
  kind: ApiErrorKind;
  status?: number;
  body?: Partial<ErrorBody>;
  /** Seconds from a `Retry-After` header (429, 503). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** A failed call to the Nexo API, with the server's error body `{ error, code, details, requestId }` when it sent one. */
export class ApiError extends Error {
  readonly kind: ApiErrorKind;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly details: unknown;
  readonly requestId: string | undefined;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: ApiErrorInit) {
    super(init.body?.error ?? `${init.kind}${init.status ? ` ${init.status}` : ''}`, { cause: init.cause });
    this.name = 'ApiError';
    this.kind = init.kind;
    this.status = init.status;
    this.code = init.body?.code;
    this.details = init.body?.details;
    this.requestId = init.body?.requestId;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }
}

/** Picks the documented error fields out of whatever JSON the server sent (never throws). */
export function readErrorBody(json: unknown): Partial<ErrorBody> | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  const record = json as Record<string, unknown>;
  const body: Partial<ErrorBody> = {};
  if (typeof record.error === 'string') body.error = record.error;
  if (typeof record.message === 'string' && !body.error) body.error = record.message;
  if (typeof record.code === 'string') body.code = record.code as ErrorBody['code'];
  if (typeof record.requestId === 'string') body.requestId = record.requestId;
  if ('details' in record) body.details = record.details;
  return Object.keys(body).length > 0 ? body : undefined;
}

/** `Retry-After` as whole seconds (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

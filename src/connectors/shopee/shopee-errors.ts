import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';

/** Shopee's error body: `{ error, message, request_id }` (HTTP 4xx/5xx, sometimes HTTP 200 with a non-empty `error`). */
export interface ShopeeErrorBody {
  error?: string;
  message?: string;
  request_id?: string;
}

const TOKEN_ERRORS = /^(error_auth|invalid_acceess_token|invalid_access_token|error_token|invalid_token)$/;
const RATE_ERRORS = /^(error_busy|error_rate_limit|error_too_many_request|too_many_requests?)$/;
const SERVER_ERRORS = /^(error_server|error_inner|error_network|error_system|error_unknown)$/;
const NOT_FOUND = /not_found|not_exist|no_item|item_deleted/;

/** The `error` code of a failed call, whether it came as an HTTP error (body in details) or inside a 200. */
export function shopeeErrorCode(error: unknown): string | null {
  if (!isConnectorError(error)) return null;
  const code = (error.details as { shopeeError?: string } | undefined)?.shopeeError;
  if (code) return code;
  const body = String((error.details as { body?: unknown } | undefined)?.body ?? '');
  return /"error"\s*:\s*"([^"]*)"/.exec(body)?.[1] || null;
}

/** Does the failure mean the access token is expired or revoked (refresh, then retry once)? */
export const isTokenError = (error: unknown) => {
  const code = shopeeErrorCode(error);
  return code !== null && TOKEN_ERRORS.test(code) && !/sign/i.test(code);
};

/** Maps a Shopee error code (with the HTTP status it came with) to the SDK's error kinds. */
export function shopeeError(where: string, body: ShopeeErrorBody, status: number, retryAfter: number | null = null): ConnectorError {
  const code = body.error ?? 'unknown';
  const message = `Shopee ${where}: ${code}${body.message ? ` (${body.message.slice(0, 200)})` : ''}${body.request_id ? ` [request ${body.request_id}]` : ''}`;
  const common = { upstreamStatus: status, retryAfter, details: { shopeeError: code, requestId: body.request_id ?? null } };
  if (TOKEN_ERRORS.test(code)) return new ConnectorError(message, { kind: 'auth', ...common });
  if (code === 'error_sign' || /wrong sign/i.test(body.message ?? ''))
    return new ConnectorError(`${message}: check the partner id and partner key`, { kind: 'auth', ...common });
  if (status === 429 || RATE_ERRORS.test(code)) return new ConnectorError(message, { kind: 'rate_limited', ...common });
  if (status >= 500 || SERVER_ERRORS.test(code)) return new ConnectorError(message, { kind: 'upstream', ...common });
  if (status === 404 || NOT_FOUND.test(code)) return new ConnectorError(message, { kind: 'not_found', ...common });
  return new ConnectorError(message, { kind: 'rejected', ...common });
}

/** Re-reads an HTTP-level ConnectorError through Shopee's error code (a 403 may be a token, a sign or a permission error). */
export function remapHttpError(error: unknown, where: string): unknown {
  if (!isConnectorError(error) || error.upstreamStatus === null) return error;
  const raw = String((error.details as { body?: unknown } | undefined)?.body ?? '');
  let body: ShopeeErrorBody = {};
  try {
    body = JSON.parse(raw) as ShopeeErrorBody;
  } catch {
    return error;
  }
  if (!body?.error) return error;
  return shopeeError(where, body, error.upstreamStatus, error.retryAfter);
}

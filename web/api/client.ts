import { ApiError, parseRetryAfter, readErrorBody } from './api-error.ts';

/** Anything with zod's `safeParse` (the shared contracts in src/contracts). */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions<T> {
  schema: Schema<T>;
  method?: HttpMethod;
  body?: unknown;
  signal?: AbortSignal;
  /** Non-2xx statuses whose body is still a valid answer (e.g. 503 from /readyz). */
  acceptStatuses?: readonly number[];
}

/** For endpoints that answer 204 No Content (or whose body the caller ignores). */
export const noContent: Schema<void> = { safeParse: () => ({ success: true, data: undefined }) };

/** The cookie the server sets next to the session, readable by scripts (double-submit CSRF defence). */
export const CSRF_COOKIE = 'nexo_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

const unsafeMethods: ReadonlySet<HttpMethod> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The value of one cookie from `document.cookie` (undefined outside a browser or when absent). */
export function readCookie(name: string, cookieString = globalThis.document?.cookie ?? ''): string | undefined {
  for (const part of cookieString.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() !== name) continue;
    const value = part.slice(index + 1).trim();
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

/** Calls the Nexo API on the same origin, parses JSON and validates it against a contract schema. */
export async function request<T>(path: string, options: RequestOptions<T>): Promise<T> {
  const { schema, method = 'GET', body, signal, acceptStatuses = [] } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (unsafeMethods.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }

  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: 'same-origin',
      signal: signal ?? null,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError({ kind: 'network', cause });
  }

  const json = await readJson(response);
  const accepted = response.ok || acceptStatuses.includes(response.status);
  if (!accepted) {
    const retryAfterSeconds = parseRetryAfter(response.headers?.get('retry-after') ?? null);
    throw new ApiError({ kind: 'http', status: response.status, body: readErrorBody(json), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    if (!response.ok) throw new ApiError({ kind: 'http', status: response.status, body: readErrorBody(json) });
    throw new ApiError({ kind: 'invalid-response', status: response.status, cause: parsed.error });
  }
  return parsed.data;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

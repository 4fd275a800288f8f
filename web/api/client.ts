import { ApiError, readErrorBody } from './api-error.ts';

/** Anything with zod's `safeParse` (the shared contracts in src/contracts). */
export interface Schema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown };
}

export interface RequestOptions<T> {
  schema: Schema<T>;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Non-2xx statuses whose body is still a valid answer (e.g. 503 from /readyz). */
  acceptStatuses?: readonly number[];
}

/** Calls the Nexo API on the same origin, parses JSON and validates it against a contract schema. */
export async function request<T>(path: string, options: RequestOptions<T>): Promise<T> {
  const { schema, method = 'GET', body, signal, acceptStatuses = [] } = options;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';

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
    throw new ApiError({ kind: 'http', status: response.status, body: readErrorBody(json) });
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

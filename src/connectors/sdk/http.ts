import { sleep as defaultSleep } from '../../lib/sleep.ts';
import { ConnectorError, isConnectorError } from './connector-error.ts';

/** What a response taught us about the channel's limit; the per-store limiter learns from these. */
export type RateLimitSignal =
  /** The channel said when to come back (HTTP Retry-After, in ms). */
  | { kind: 'retry_after'; status: number; retryAfterMs: number }
  /** Shopify GraphQL `extensions.cost`: a leaky bucket of cost points. */
  | {
      kind: 'cost';
      requestedQueryCost: number;
      actualQueryCost: number | null;
      maximumAvailable: number;
      currentlyAvailable: number;
      restoreRate: number;
      throttled: boolean;
    }
  /** Request-count limits reported in headers (Shopify REST `X-Shopify-Shop-Api-Call-Limit: 32/40`, `X-RateLimit-*`). */
  | { kind: 'calls'; used: number; limit: number; resetMs: number | null }
  /** A request rate the channel reported for the call just made (Amazon SP-API `x-amzn-RateLimit-Limit`, requests/s). */
  | { kind: 'rate'; requestsPerSecond: number; source: string };

export interface HttpClientOptions {
  baseUrl: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  fetch?: typeof fetch;
  signals?: (signal: RateLimitSignal) => void;
  /** Aborts every request of this client. */
  signal?: AbortSignal;
  /** The channel's name for error messages ("Shopify"). */
  channel: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON unless it is a string / URLSearchParams. */
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** Retry-After: seconds (Shopify sends "2.0") or an HTTP date; returns ms or null. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function readCallLimit(headers: Headers): { used: number; limit: number; resetMs: number | null } | null {
  const shopify = headers.get('x-shopify-shop-api-call-limit');
  const match = shopify ? /^(\d+)\/(\d+)$/.exec(shopify.trim()) : null;
  if (match) return { used: Number(match[1]), limit: Number(match[2]), resetMs: null };
  const limit = Number(headers.get('x-ratelimit-limit'));
  const remaining = Number(headers.get('x-ratelimit-remaining'));
  if (!headers.has('x-ratelimit-limit') || !Number.isFinite(limit) || !Number.isFinite(remaining)) return null;
  const reset = Number(headers.get('x-ratelimit-reset'));
  return { used: limit - remaining, limit, resetMs: Number.isFinite(reset) && headers.has('x-ratelimit-reset') ? reset * 1000 : null };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return null;
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** A short, secret-free description of an error body for messages. */
function describeBody(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (text ?? '').slice(0, 300);
}

export interface HttpClient {
  request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>>;
}

/**
 * A small fetch-based JSON client for connectors: one attempt per call (retries are the caller's
 * decision, see `withRetry`), timeouts through AbortSignal, errors mapped to ConnectorError
 * (401/403 auth, 404 not_found, 408/429/5xx retryable, other 4xx rejected), and every rate-limit
 * hint passed to `signals`.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const doFetch = options.fetch ?? fetch;
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async request<T>(request: HttpRequest): Promise<HttpResponse<T>> {
      const url = new URL(`${base}${request.path}`);
      for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
      const headers: Record<string, string> = { accept: 'application/json', ...options.headers, ...request.headers };
      let body: string | URLSearchParams | undefined;
      if (request.body instanceof URLSearchParams || typeof request.body === 'string') body = request.body;
      else if (request.body !== undefined) {
        body = JSON.stringify(request.body);
        headers['content-type'] ??= 'application/json';
      }
      const timeoutMs = request.timeoutMs ?? options.timeoutMs ?? 30_000;
      const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
      let response: Response;
      let parsed: unknown;
      try {
        response = await doFetch(url, { method: request.method ?? 'GET', headers, body, signal: AbortSignal.any(signals), redirect: 'manual' });
        parsed = await readBody(response);
      } catch (error) {
        if (options.signal?.aborted) throw new ConnectorError(`${options.channel} request aborted`, { kind: 'network', retryable: false, cause: error });
        const timedOut = (error as Error).name === 'TimeoutError' || (error as Error).name === 'AbortError';
        throw new ConnectorError(
          timedOut ? `${options.channel} did not answer within ${timeoutMs} ms` : `${options.channel} unreachable: ${(error as Error).message}`,
          { kind: timedOut ? 'upstream' : 'network', cause: error },
        );
      }

      const callLimit = readCallLimit(response.headers);
      if (callLimit) options.signals?.({ kind: 'calls', ...callLimit });
      const amazonRate = Number(response.headers.get('x-amzn-ratelimit-limit'));
      if (response.headers.has('x-amzn-ratelimit-limit') && amazonRate > 0)
        options.signals?.({ kind: 'rate', requestsPerSecond: amazonRate, source: 'x-amzn-RateLimit-Limit' });
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfterMs !== null && (response.status === 429 || response.status === 503)) {
        options.signals?.({ kind: 'retry_after', status: response.status, retryAfterMs });
      }

      if (response.status >= 200 && response.status < 300) return { status: response.status, headers: response.headers, body: parsed as T };
      const where = `${request.method ?? 'GET'} ${url.pathname}`;
      const common = { upstreamStatus: response.status, details: { body: describeBody(parsed) } };
      if (response.status === 401 || response.status === 403) {
        throw new ConnectorError(`${options.channel} refused the credentials (${response.status} on ${where}): ${describeBody(parsed)}`, {
          kind: 'auth',
          ...common,
        });
      }
      if (response.status === 429)
        throw new ConnectorError(`${options.channel} rate limit hit (429 on ${where})`, { kind: 'rate_limited', retryAfter: retryAfterMs, ...common });
      if (response.status === 404) throw new ConnectorError(`${options.channel}: not found (${where})`, { kind: 'not_found', ...common });
      if (response.status === 408 || response.status >= 500)
        throw new ConnectorError(`${options.channel} failed (${response.status} on ${where})`, { kind: 'upstream', retryAfter: retryAfterMs, ...common });
      throw new ConnectorError(`${options.channel} rejected the request (${response.status} on ${where}): ${describeBody(parsed)}`, {
        kind: 'rejected',
        ...common,
      });
    },
  };
}

export interface RetryOptions {
  /** Total attempts, the first included. */
  attempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
  /** Defaults to `error.retryable` of a ConnectorError. */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  random?: () => number;
}

/** Exponential backoff with full jitter; a ConnectorError's `retryAfter` is honoured as the minimum wait. */
export async function withRetry<T>(run: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 30_000;
  const wait = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const shouldRetry = options.shouldRetry ?? ((error: unknown) => isConnectorError(error) && error.retryable);
  for (let attempt = 1; ; attempt++) {
    try {
      return await run(attempt);
    } catch (error) {
      if (attempt >= attempts || !shouldRetry(error, attempt) || options.signal?.aborted) throw error;
      const backoff = random() * Math.min(max, base * 2 ** (attempt - 1));
      const hinted = isConnectorError(error) && error.retryAfter !== null ? error.retryAfter : 0;
      await wait(Math.max(backoff, hinted), options.signal);
    }
  }
}

/** Walks a cursor-paginated listing to the end (or until the consumer stops). */
export async function* paginate<T>(fetchPage: (cursor: string | null) => Promise<{ items: T[]; nextCursor: string | null }>): AsyncGenerator<T> {
  let cursor: string | null = null;
  do {
    const page: { items: T[]; nextCursor: string | null } = await fetchPage(cursor);
    yield* page.items;
    cursor = page.nextCursor;
  } while (cursor !== null);
}

/** RFC 8288 `Link` header -> { next: url, previous: url } (Shopify REST, many REST APIs). */
export function parseLinkHeader(value: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!value) return links;
  for (const part of value.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part.trim());
    if (match?.[1] && match[2]) links[match[2]] = match[1];
  }
  return links;
}

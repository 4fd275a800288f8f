import { isPrivateTargetError } from '../../lib/outbound-http.ts';
import { sleep as defaultSleep } from '../../lib/sleep.ts';
import { ConnectorError } from '../sdk/connector-error.ts';
import { parseRetryAfter, type RateLimitSignal, withRetry } from '../sdk/http.ts';
import type { FeedFormat } from './feed-columns.ts';
import { MAX_FEED_BYTES } from './feed-parse.ts';
import type { KawayCredentials } from './kaway-schemas.ts';

/**
 * Downloads (and uploads) Kaway feed files over HTTP. Downloads are conditional: the ETag and
 * Last-Modified of the last copy go out as If-None-Match / If-Modified-Since, and a 304 means the
 * feed is unchanged (nothing to parse, nothing to sync). Basic or bearer auth is optional; the
 * Authorization header is dropped when a redirect leaves the feed's origin. The host's
 * X-RateLimit-* headers pace later calls; 429/5xx/timeouts/cut-short downloads are retried.
 */
export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export type FeedDownload =
  | ({ status: 'unchanged' } & FeedValidators)
  | ({ status: 'changed'; bytes: Uint8Array; format: FeedFormat | null; fetchedAt: string } & FeedValidators);

export interface FeedFetcherOptions {
  credentials: KawayCredentials;
  fetch?: typeof fetch;
  signals?: (signal: RateLimitSignal) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  signal?: AbortSignal;
  timeoutMs?: number;
  attempts?: number;
}

export interface FeedFetcher {
  download(url: string, validators?: Partial<FeedValidators>): Promise<FeedDownload>;
  upload(url: string, body: string, contentType: string): Promise<void>;
}

const MAX_REDIRECTS = 3;

function authorization(credentials: KawayCredentials): string | null {
  if (credentials.type === 'basic') return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  if (credentials.type === 'bearer') return `Bearer ${credentials.token}`;
  return null;
}

/** Host and path only: feed URLs may carry a key in their query string, which must not reach logs. */
const where = (method: string, url: URL) => `${method} ${url.host}${url.pathname}`;

function formatOf(contentType: string | null): FeedFormat | null {
  if (!contentType) return null;
  if (contentType.includes('json')) return 'json';
  if (contentType.includes('csv') || contentType.includes('text/plain')) return 'csv';
  return null;
}

export function createFeedFetcher(options: FeedFetcherOptions): FeedFetcher {
  const doFetch = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const auth = authorization(options.credentials);
  /** What the host's X-RateLimit-* headers said, per origin; calls wait for the window when none are left. */
  const limits = new Map<string, { remaining: number; resetAt: number }>();

  async function pace(origin: string): Promise<void> {
    for (;;) {
      const limit = limits.get(origin);
      if (!limit || limit.remaining > 0 || now() >= limit.resetAt) {
        if (limit && limit.remaining > 0) limit.remaining--;
        return;
      }
      await sleep(limit.resetAt - now() + 5, options.signal);
      if (options.signal?.aborted) return;
    }
  }

  function learn(origin: string, response: Response): void {
    const limit = Number(response.headers.get('x-ratelimit-limit'));
    const remaining = Number(response.headers.get('x-ratelimit-remaining'));
    const reset = Number(response.headers.get('x-ratelimit-reset'));
    if (response.headers.has('x-ratelimit-limit') && Number.isFinite(limit) && Number.isFinite(remaining)) {
      const resetMs = response.headers.has('x-ratelimit-reset') && Number.isFinite(reset) ? reset * 1000 : null;
      options.signals?.({ kind: 'calls', used: limit - remaining, limit, resetMs });
      limits.set(origin, { remaining, resetAt: now() + (resetMs ?? 1000) });
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (retryAfterMs !== null && (response.status === 429 || response.status === 503)) {
      options.signals?.({ kind: 'retry_after', status: response.status, retryAfterMs });
      if (response.status === 429) limits.set(origin, { remaining: 0, resetAt: now() + retryAfterMs });
    }
  }

  async function once(method: 'GET' | 'PUT', target: URL, headers: Record<string, string>, body?: string): Promise<Response> {
    let url = target;
    for (let hop = 0; ; hop++) {
      await pace(url.origin);
      const sameOrigin = url.origin === target.origin;
      const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 60_000), ...(options.signal ? [options.signal] : [])]);
      let response: Response;
      try {
        response = await doFetch(url, {
          method,
          headers: { ...headers, ...(auth && sameOrigin ? { authorization: auth } : {}) },
          body,
          redirect: 'manual',
          signal,
        });
      } catch (error) {
        if (options.signal?.aborted) throw new ConnectorError('Kaway feed request aborted', { kind: 'network', retryable: false, cause: error });
        if (isPrivateTargetError(error)) {
          throw new ConnectorError(`Kaway feed refused (${where(method, url)}): ${error.message}`, { kind: 'rejected', retryable: false });
        }
        const timedOut = (error as Error).name === 'TimeoutError';
        throw new ConnectorError(
          timedOut ? `Kaway feed host did not answer in time (${where(method, url)})` : `Kaway feed host unreachable (${where(method, url)})`,
          {
            kind: timedOut ? 'upstream' : 'network',
            cause: error,
          },
        );
      }
      learn(url.origin, response);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && response.status !== 304 && location && hop < MAX_REDIRECTS && method === 'GET') {
        await response.body?.cancel();
        url = new URL(location, url);
        continue;
      }
      return response;
    }
  }

  function fail(method: string, url: URL, response: Response, detail: string): never {
    const status = response.status;
    const common = { upstreamStatus: status, details: { body: detail.slice(0, 300) } };
    if (status === 401 || status === 403) {
      throw new ConnectorError(
        `Kaway feed host refused the credentials (${status} on ${where(method, url)}): check the feed's username/password or token and reconnect the store`,
        { kind: 'auth', ...common },
      );
    }
    if (status === 404) throw new ConnectorError(`Kaway feed not found (${where(method, url)}): check the feed URL`, { kind: 'not_found', ...common });
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
    if (status === 429) throw new ConnectorError(`Kaway feed host rate limit hit (${where(method, url)})`, { kind: 'rate_limited', retryAfter, ...common });
    if (status === 408 || status >= 500)
      throw new ConnectorError(`Kaway feed host failed (${status} on ${where(method, url)})`, { kind: 'upstream', retryAfter, ...common });
    throw new ConnectorError(`Kaway feed host rejected the request (${status} on ${where(method, url)}): ${detail.slice(0, 200)}`, {
      kind: 'rejected',
      ...common,
    });
  }

  async function readAll(method: string, url: URL, response: Response): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      throw new ConnectorError(`Kaway feed download was cut short (${where(method, url)})`, { kind: 'network', cause: error });
    }
    const declared = Number(response.headers.get('content-length'));
    if (response.headers.has('content-length') && Number.isFinite(declared) && declared !== bytes.length && !response.headers.has('content-encoding')) {
      throw new ConnectorError(`Kaway feed download was cut short: ${bytes.length} of ${declared} bytes (${where(method, url)})`, { kind: 'network' });
    }
    if (bytes.length > MAX_FEED_BYTES)
      throw new ConnectorError(`Kaway feed is larger than ${MAX_FEED_BYTES} bytes (${where(method, url)})`, { kind: 'rejected' });
    return bytes;
  }

  const retry = <T>(run: () => Promise<T>) =>
    withRetry(run, { attempts: options.attempts ?? 8, baseDelayMs: 100, maxDelayMs: 5_000, sleep, signal: options.signal });

  return {
    download(raw, validators = {}) {
      const url = new URL(raw);
      return retry(async () => {
        const headers: Record<string, string> = { accept: 'text/csv, application/json;q=0.9, */*;q=0.5' };
        if (validators.etag) headers['if-none-match'] = validators.etag;
        if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
        const response = await once('GET', url, headers);
        const etag = response.headers.get('etag');
        const lastModified = response.headers.get('last-modified');
        if (response.status === 304) {
          await response.body?.cancel();
          return { status: 'unchanged', etag: etag ?? validators.etag ?? null, lastModified: lastModified ?? validators.lastModified ?? null } as const;
        }
        if (response.status < 200 || response.status >= 300) fail('GET', url, response, await response.text().catch(() => ''));
        const bytes = await readAll('GET', url, response);
        return {
          status: 'changed',
          bytes,
          etag,
          lastModified,
          format: formatOf(response.headers.get('content-type')),
          fetchedAt: new Date(now()).toISOString(),
        } as const;
      });
    },
    upload(raw, body, contentType) {
      const url = new URL(raw);
      return retry(async () => {
        const response = await once('PUT', url, { 'content-type': contentType }, body);
        const text = await response.text().catch(() => '');
        if (response.status < 200 || response.status >= 300) fail('PUT', url, response, text);
      });
    },
  };
}

import { sleep as defaultSleep } from '../../lib/sleep.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { createHttpClient, type HttpRequest, type HttpResponse } from '../sdk/http.ts';
import { type AmazonConfig, type AmazonCredentials, apiBaseOf, currencyOf, marketplaces } from './amazon-schemas.ts';
import { accessToken, reconnectError } from './lwa.ts';

/**
 * What every SP-API call of one store shares: the LWA access token (`x-amz-access-token`), one token
 * bucket per operation (the published usage plan until `x-amzn-RateLimit-Limit` says otherwise; a 429
 * empties the bucket and pauses the operation with an exponential backoff, since SP-API sends no
 * Retry-After), retries of 5xx / network failures for idempotent calls, and one re-exchange of the
 * access token when SP-API refuses it. Buckets live per process and seller (clients are short-lived).
 */
export const publishedLimits: Record<string, { rate: number; burst: number }> = {
  getListingsItem: { rate: 5, burst: 10 },
  putListingsItem: { rate: 5, burst: 10 },
  patchListingsItem: { rate: 5, burst: 10 },
  deleteListingsItem: { rate: 5, burst: 10 },
  searchListingsItems: { rate: 5, burst: 5 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getMarketplaceParticipations: { rate: 0.016, burst: 15 },
};

const HEADROOM = 0.9;

interface Bucket {
  rate: number;
  burst: number;
  tokens: number;
  at: number;
  pausedUntil: number;
  /** Consecutive 429s (backoff exponent). */
  limited: number;
}
const buckets = new Map<string, Bucket>();

export interface SpCall extends HttpRequest {
  /** Safe to send again after a 5xx / timeout (GET, PUT, PATCH, DELETE of absolute values). */
  idempotent: boolean;
}

export function createAmazonSession(context: ConnectorContext<AmazonCredentials, AmazonConfig>) {
  const { config, credentials } = context;
  const now = context.now ?? Date.now;
  const wait = context.sleep ?? defaultSleep;
  const baseUrl = apiBaseOf(config);
  const http = createHttpClient({
    baseUrl,
    channel: 'Amazon SP-API',
    fetch: context.fetch,
    signal: context.signal,
    signals: context.signals,
    timeoutMs: 30_000,
  });

  function bucketOf(operation: string): Bucket {
    const key = `${baseUrl}|${config.sellerId}|${operation}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      const limit = config.rateLimits?.[operation] ?? publishedLimits[operation] ?? { rate: 1, burst: 1 };
      bucket = { rate: limit.rate, burst: limit.burst, tokens: limit.burst, at: now(), pausedUntil: 0, limited: 0 };
      buckets.set(key, bucket);
    }
    return bucket;
  }

  async function take(operation: string): Promise<void> {
    const bucket = bucketOf(operation);
    for (;;) {
      if (context.signal?.aborted) throw new ConnectorError('Amazon SP-API call aborted', { kind: 'network', retryable: false });
      const t = now();
      // 10 % under the rate: requests reach SP-API with some jitter, and its bucket must never see two early.
      bucket.tokens = Math.min(bucket.burst, bucket.tokens + ((t - bucket.at) / 1000) * bucket.rate * HEADROOM);
      bucket.at = t;
      if (t >= bucket.pausedUntil && bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return;
      }
      const delay = Math.max(bucket.pausedUntil - t, ((1 - bucket.tokens) / (bucket.rate * HEADROOM)) * 1000);
      await wait(Math.max(1, Math.ceil(delay)), context.signal);
    }
  }

  /** SP-API reported the selling partner's live rate: adopt it; when it is lower, restart the bucket empty (the server's is). */
  function learn(operation: string, headers: Headers): void {
    const rate = Number(headers.get('x-amzn-ratelimit-limit'));
    const bucket = bucketOf(operation);
    bucket.limited = 0;
    if (!(rate > 0) || Math.abs(rate - bucket.rate) < 1e-9) return;
    if (rate < bucket.rate) {
      bucket.burst = Math.max(1, Math.floor((bucket.burst * rate) / bucket.rate));
      bucket.tokens = 0;
      bucket.at = now();
    }
    bucket.rate = rate;
  }

  function throttled(operation: string): number {
    const bucket = bucketOf(operation);
    bucket.limited++;
    const backoff = Math.max(1000 / bucket.rate, 100 * 2 ** Math.min(bucket.limited - 1, 4)) * (0.5 + Math.random() / 2);
    const pause = Math.min(backoff, 60_000);
    bucket.tokens = 0;
    bucket.at = now();
    bucket.pausedUntil = now() + pause;
    context.signals?.({ kind: 'retry_after', status: 429, retryAfterMs: Math.round(pause) });
    return pause;
  }

  const token = (force = false) => accessToken(credentials, { authUrl: config.authUrl, fetch: context.fetch, now, force });

  async function call<T>(operation: string, request: SpCall): Promise<HttpResponse<T>> {
    let refreshed = false;
    let failures = 0;
    let limited = 0;
    for (;;) {
      await take(operation);
      const current = await token();
      try {
        const response = await http.request<T>({ ...request, headers: { ...request.headers, 'x-amz-access-token': current } });
        learn(operation, response.headers);
        return response;
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        if (error.kind === 'auth') {
          if (refreshed)
            throw reconnectError(`SP-API refused the access token for seller ${config.sellerId} (${error.upstreamStatus})`, error.upstreamStatus, error);
          refreshed = true;
          await token(true);
          continue;
        }
        if (error.kind === 'rate_limited' && ++limited <= 40) {
          throttled(operation);
          continue;
        }
        if ((error.kind === 'upstream' || error.kind === 'network') && request.idempotent && ++failures < 6) {
          await wait(Math.random() * Math.min(10_000, 200 * 2 ** failures), context.signal);
          continue;
        }
        throw error;
      }
    }
  }

  return {
    config,
    context,
    call,
    /** GET/PUT/… body only. */
    async request<T>(operation: string, request: SpCall): Promise<T> {
      return (await call<T>(operation, request)).body;
    },
    currency: () => currencyOf(config),
    language: () => marketplaces[config.marketplaceId]?.language ?? 'en_US',
    wait,
    now,
  };
}

export type AmazonSession = ReturnType<typeof createAmazonSession>;

export const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

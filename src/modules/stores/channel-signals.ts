import type { RateLimitSignal } from '../../connectors/registry.ts';
import type { ChannelSignal } from './token-bucket.ts';

/** A ConnectorError (the SDK's; modules see connectors only through the registry, so it is recognised by name). */
export const isChannelError = (error: unknown): error is Error & { kind?: string; retryable?: boolean; upstreamStatus?: number } =>
  error instanceof Error && error.name === 'ConnectorError';

/** What a connector hands back after a call so the limiter can learn (see docs/operations.md "Rate limits"). */
export interface ResponseSignals {
  /** HTTP status of the channel's answer. */
  status?: number;
  /** Response headers (a fetch Headers object or a plain record). */
  headers?: Headers | Record<string, string | string[] | number | undefined>;
  /** Shopify GraphQL `extensions.cost.throttleStatus`. */
  shopifyThrottleStatus?: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
}

function header(headers: ResponseSignals['headers'], name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | number | undefined>;
  const key = Object.keys(record).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value[0] : value === undefined ? undefined : String(value);
}

/**
 * What a connector's `signals` hook says, as a response for `io.report`. Only Shopify's cost bucket
 * (`extensions.cost.throttleStatus`) is passed on: the other hints are the connectors' own 429 backoffs (their
 * thrown errors reach the limiter already) and request-count headers the limiter reads from `headers`.
 */
export function reportOf(signal: RateLimitSignal): ResponseSignals | null {
  if (signal.kind !== 'cost') return null;
  const { maximumAvailable, currentlyAvailable, restoreRate } = signal;
  return { shopifyThrottleStatus: { maximumAvailable, currentlyAvailable, restoreRate } };
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Turns a channel response into limiter signals. */
export function signalsFrom(response: ResponseSignals, now: number): ChannelSignal[] {
  const signals: ChannelSignal[] = [];
  const throttle = response.shopifyThrottleStatus;
  if (throttle) {
    signals.push({
      kind: 'limits',
      source: 'shopify throttleStatus',
      operation: 'graphql',
      capacity: throttle.maximumAvailable,
      refillPerSecond: throttle.restoreRate,
      available: throttle.currentlyAvailable,
    });
  }
  const callLimit = header(response.headers, 'x-shopify-shop-api-call-limit');
  const match = callLimit?.match(/^\s*(\d+)\s*\/\s*(\d+)\s*$/);
  if (match) {
    const used = Number(match[1]);
    const capacity = Number(match[2]);
    signals.push({ kind: 'limits', source: 'X-Shopify-Shop-Api-Call-Limit', capacity, available: capacity - used });
  }
  const amazonRate = Number(header(response.headers, 'x-amzn-ratelimit-limit'));
  if (Number.isFinite(amazonRate) && amazonRate > 0) signals.push({ kind: 'limits', source: 'x-amzn-RateLimit-Limit', refillPerSecond: amazonRate });
  const retryAfterMs = parseRetryAfter(header(response.headers, 'retry-after'), now);
  if (response.status === 429 || (response.status === 503 && retryAfterMs !== undefined)) {
    signals.push({ kind: 'throttled', source: `HTTP ${response.status}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  }
  return signals;
}

/** True when a response or error means "too many requests" (it then never counts as a breaker failure). */
export const isThrottled = (signals: ChannelSignal[]) => signals.some((s) => s.kind === 'throttled');

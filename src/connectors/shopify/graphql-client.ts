import { sleep as defaultSleep } from '../../lib/sleep.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import { createHttpClient, type RateLimitSignal } from '../sdk/http.ts';
import { API_VERSION } from './queries.ts';

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface GraphqlBody {
  data?: Record<string, unknown> | null;
  errors?: Array<{ message: string; extensions?: { code?: string } }> | string;
  extensions?: { cost?: { requestedQueryCost: number; actualQueryCost: number | null; throttleStatus: ThrottleStatus } };
}

export interface GraphqlClientOptions {
  shop: string;
  accessToken: string;
  /** `https://<shop>` for the real Shopify; the emulator's `/shopify/<shop>` URL in tests and the demo. */
  baseUrl: string;
  apiVersion?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  now?: () => number;
  signal?: AbortSignal;
  signals?: (signal: RateLimitSignal) => void;
  /** Attempts for 5xx / network failures of idempotent operations. */
  attempts?: number;
  /** Gives up after this many THROTTLED / 429 answers in a row for one call. */
  maxThrottleRetries?: number;
}

export interface GraphqlCall {
  operation: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Our estimate of the requested cost (Shopify's own figure replaces it once seen for this operation). */
  cost: number;
  /** Safe to resend after a 5xx / timeout (queries, absolute sets, updates, deletes; not creates). */
  idempotent: boolean;
}

/**
 * Shopify Admin GraphQL over fetch, paced by Shopify's cost-based leaky bucket: calls are made one
 * at a time per client, and before each one the client computes what the bucket holds now (from the
 * last throttleStatus plus restoreRate × elapsed) and waits until the call's cost fits. A THROTTLED
 * answer (first call, or another app sharing the bucket) makes it wait exactly as throttleStatus says;
 * a 429 waits Retry-After. 5xx and timeouts are retried for idempotent calls with backoff and jitter.
 */
export function createGraphqlClient(options: GraphqlClientOptions) {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? defaultSleep;
  const http = createHttpClient({
    baseUrl: options.baseUrl,
    channel: 'Shopify',
    headers: { 'x-shopify-access-token': options.accessToken },
    timeoutMs: options.timeoutMs ?? 30_000,
    fetch: options.fetch,
    signal: options.signal,
    signals: options.signals,
  });
  const path = `/admin/api/${options.apiVersion ?? API_VERSION}/graphql.json`;
  let bucket: (ThrottleStatus & { at: number }) | null = null;
  const learnedCost = new Map<string, number>();
  let queue: Promise<unknown> = Promise.resolve();

  const availableNow = () => (bucket ? Math.min(bucket.maximumAvailable, bucket.currentlyAvailable + ((now() - bucket.at) / 1000) * bucket.restoreRate) : null);

  async function waitForPoints(cost: number): Promise<void> {
    const available = availableNow();
    if (bucket === null || available === null || cost <= available) return;
    const ms = Math.ceil(((Math.min(cost, bucket.maximumAvailable) - available) / bucket.restoreRate) * 1000);
    await wait(ms, options.signal);
  }

  function observe(body: GraphqlBody, throttled: boolean): void {
    const cost = body.extensions?.cost;
    if (!cost?.throttleStatus) return;
    bucket = { ...cost.throttleStatus, at: now() };
    options.signals?.({
      kind: 'cost',
      requestedQueryCost: cost.requestedQueryCost,
      actualQueryCost: cost.actualQueryCost,
      ...cost.throttleStatus,
      throttled,
    });
  }

  async function execute<T>(call: GraphqlCall): Promise<T> {
    let failures = 0;
    let throttles = 0;
    const maxThrottles = options.maxThrottleRetries ?? 50;
    for (;;) {
      if (options.signal?.aborted) throw new ConnectorError('Shopify call aborted', { kind: 'network', retryable: false });
      // Learned per operation *and* estimate: the same operation costs more with a bigger `first`.
      const costKey = `${call.operation}:${call.cost}`;
      const cost = learnedCost.get(costKey) ?? call.cost;
      await waitForPoints(cost);
      let body: GraphqlBody;
      try {
        const response = await http.request<GraphqlBody>({
          method: 'POST',
          path,
          body: { query: call.query, variables: call.variables ?? {}, operationName: call.operation },
        });
        body = response.body ?? {};
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        if (error.kind === 'auth') {
          throw new ConnectorError(`Shopify rejected the access token for ${options.shop} (expired, revoked or the app was uninstalled): reconnect the store`, {
            kind: 'auth',
            retryable: false,
            upstreamStatus: error.upstreamStatus,
            cause: error,
          });
        }
        if (error.kind === 'rate_limited' && ++throttles <= maxThrottles) {
          await wait(error.retryAfter ?? 1000, options.signal);
          continue;
        }
        if ((error.kind === 'upstream' || error.kind === 'network') && call.idempotent && ++failures < (options.attempts ?? 5)) {
          await wait(Math.max(error.retryAfter ?? 0, Math.random() * Math.min(10_000, 200 * 2 ** failures)), options.signal);
          continue;
        }
        throw error;
      }

      const errors = Array.isArray(body.errors) ? body.errors : typeof body.errors === 'string' ? [{ message: body.errors }] : [];
      const throttled = errors.some((e) => e.extensions?.code === 'THROTTLED');
      observe(body, throttled);
      const requested = body.extensions?.cost?.requestedQueryCost;
      if (typeof requested === 'number') learnedCost.set(costKey, requested);
      if (throttled) {
        if (++throttles > maxThrottles) throw new ConnectorError(`Shopify kept throttling ${call.operation}`, { kind: 'rate_limited', retryAfter: 1000 });
        const status = body.extensions?.cost?.throttleStatus;
        const need = (requested ?? cost) - (status?.currentlyAvailable ?? 0);
        await wait(status ? Math.max(50, Math.ceil((need / status.restoreRate) * 1000)) : 1000, options.signal);
        continue;
      }
      if (errors.length > 0) {
        const code = errors[0]?.extensions?.code;
        const message = errors.map((e) => e.message).join('; ');
        if (code === 'ACCESS_DENIED') throw new ConnectorError(`Shopify denied ${call.operation}: ${message}`, { kind: 'auth', details: { errors } });
        if (code === 'MAX_COST_EXCEEDED')
          throw new ConnectorError(`Shopify ${call.operation} is too expensive: ${message}`, { kind: 'rejected', details: { errors } });
        if (code === 'INTERNAL_SERVER_ERROR' && call.idempotent && ++failures < (options.attempts ?? 5)) continue;
        throw new ConnectorError(`Shopify ${call.operation} failed: ${message}`, { kind: 'protocol', details: { errors } });
      }
      if (!body.data) throw new ConnectorError(`Shopify ${call.operation} answered without data`, { kind: 'protocol' });
      return body.data as T;
    }
  }

  return {
    /** One call at a time per client: the bucket estimate stays exact. */
    request<T>(call: GraphqlCall): Promise<T> {
      const run = queue.then(() => execute<T>(call));
      queue = run.catch(() => undefined);
      return run;
    },
    throttleStatus: () => (bucket ? { ...bucket, currentlyAvailable: availableNow() ?? 0 } : null),
    maximumAvailable: () => bucket?.maximumAvailable ?? null,
  };
}

export type GraphqlClient = ReturnType<typeof createGraphqlClient>;

/** Throws `rejected` with Shopify's userErrors, when there are any. */
export function assertNoUserErrors(operation: string, userErrors: Array<{ field?: string[] | null; message: string }> | undefined): void {
  if (!userErrors || userErrors.length === 0) return;
  throw new ConnectorError(`Shopify ${operation} refused: ${userErrors.map((e) => `${(e.field ?? []).join('.')}: ${e.message}`).join('; ')}`, {
    kind: 'rejected',
    details: { userErrors },
  });
}

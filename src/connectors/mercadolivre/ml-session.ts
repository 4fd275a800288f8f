import { sleep as defaultSleep } from '../../lib/sleep.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { createHttpClient, type HttpRequest } from '../sdk/http.ts';
import { createPacer } from '../sdk/pacer.ts';
import { createTokenRotation } from '../sdk/token-rotation.ts';
import { type MercadoLivreConfig, type MercadoLivreCredentials, ML_API_BASE, siteCurrencies } from './mercadolivre-schemas.ts';
import { isInvalidGrant, refreshTokens } from './oauth.ts';

export const MIN_RATE = 2;
const RECOVERY_EVERY_MS = 10_000;

export interface MlCall extends HttpRequest {
  /** Safe to resend after a 5xx / timeout (GETs, absolute PUTs); creates are not. */
  idempotent: boolean;
}

/** Route of a request for per-endpoint cool-downs: `GET /items/:id`. */
export const endpointOf = (method: string, path: string) => `${method} ${path.replace(/\/MLB\d+/g, '/:id').replace(/\/\d+/g, '/:id')}`;

/**
 * What the Mercado Livre client's methods share for one store: Bearer auth with proactive and on-401
 * refresh (rotated credentials handed to `onCredentialsRefreshed` before use), client-side pacing
 * (ML publishes no limits and sends no limit headers: we start at `requestsPerSecond`, halve on every
 * 429 down to 2/s and creep back up after 10 s without one), per-endpoint cool-downs after a 429
 * (Retry-After when sent, else exponential backoff with full jitter), and retries of idempotent calls
 * on 5xx and network failures.
 */
export function createMlSession(context: ConnectorContext<MercadoLivreCredentials, MercadoLivreConfig>) {
  const { config } = context;
  const now = context.now ?? Date.now;
  const wait = context.sleep ?? defaultSleep;
  const baseUrl = (config.apiBaseUrl ?? ML_API_BASE).replace(/\/+$/, '');
  const http = createHttpClient({
    baseUrl,
    channel: 'Mercado Livre',
    fetch: context.fetch,
    signal: context.signal,
    signals: context.signals,
    timeoutMs: 30_000,
  });
  const tokens = createTokenRotation({
    channel: 'Mercado Livre',
    subject: 'seller',
    initial: context.credentials,
    expiresAt: (c) => c.expiresAt,
    now,
    exchange: (previous) => {
      const app = context.oauthApp;
      if (!app) throw tokens.reconnect(401);
      return refreshTokens({
        config,
        credentials: previous,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        fetch: context.fetch,
        now,
        signal: context.signal,
      });
    },
    // A refusal of the grant, or any other auth answer to the refresh: reconnecting is the only way out.
    isRefused: (error) => isInvalidGrant(error) || (isConnectorError(error) && error.kind === 'auth'),
    refusedStatus: (error) => (isInvalidGrant(error) ? 401 : isConnectorError(error) ? error.upstreamStatus : 401),
    reloadCredentials: context.reloadCredentials,
    onCredentialsRefreshed: context.onCredentialsRefreshed,
  });

  // Pacing: one slot every 1000/rate ms across the client; 429s lower the rate (AIMD) and cool the endpoint down.
  const pacer = createPacer({
    requestsPerSecond: config.requestsPerSecond,
    minRate: MIN_RATE,
    recoverMs: RECOVERY_EVERY_MS,
    now,
    sleep: wait,
    signal: context.signal,
  });
  const coolDown = new Map<string, number>();

  async function request<T>(call: MlCall): Promise<T> {
    const endpoint = endpointOf(call.method ?? 'GET', call.path);
    let failures = 0;
    let limited = 0;
    let refreshed = false;
    for (;;) {
      if (context.signal?.aborted) throw new ConnectorError('Mercado Livre call aborted', { kind: 'network', retryable: false });
      await tokens.settled();
      if (!refreshed && context.oauthApp && tokens.expiresSoon()) {
        refreshed = true;
        await tokens.refresh();
      }
      await pacer.take(() => coolDown.get(endpoint) ?? 0);
      const token = tokens.current().accessToken;
      try {
        const response = await http.request<T>({ ...call, headers: { ...call.headers, authorization: `Bearer ${token}` } });
        return response.body;
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        if (error.kind === 'auth' && error.upstreamStatus === 401) {
          if (refreshed || !context.oauthApp) throw tokens.reconnect(401, error);
          refreshed = true;
          // Refresh unless another call already did since this one was sent.
          if (tokens.current().accessToken === token) await tokens.refresh();
          continue;
        }
        if (error.kind === 'rate_limited' && ++limited <= 50) {
          const backoff = Math.max(100, Math.random() * Math.min(10_000, 500 * 2 ** (limited - 1)));
          const pause = error.retryAfter ?? backoff;
          if (error.retryAfter === null) context.signals?.({ kind: 'retry_after', status: 429, retryAfterMs: Math.round(pause) });
          pacer.limited(0);
          coolDown.set(endpoint, now() + pause);
          continue;
        }
        if ((error.kind === 'upstream' || error.kind === 'network') && call.idempotent && ++failures < 5) {
          await wait(Math.max(error.retryAfter ?? 0, Math.random() * Math.min(10_000, 200 * 2 ** failures)), context.signal);
          continue;
        }
        throw error;
      }
    }
  }

  let me: Promise<{ id: number; nickname: string; site_id: string }> | null = null;
  const user = () => {
    me ??= request<{ id: number; nickname: string; site_id: string }>({ path: '/users/me', idempotent: true });
    me.catch(() => {
      me = null;
    });
    return me;
  };
  const currency = () => siteCurrencies[config.siteId] ?? 'BRL';

  return {
    context,
    config,
    request,
    user,
    currency,
    userId: () => tokens.current().userId,
    /** The credentials in use now (after any refresh). */
    credentials: tokens.current,
    rate: pacer.rate,
  };
}

export type MlSession = ReturnType<typeof createMlSession>;

export const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

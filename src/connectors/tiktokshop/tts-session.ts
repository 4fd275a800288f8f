import { sleep as defaultSleep } from '../../lib/sleep.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { createHttpClient } from '../sdk/http.ts';
import { createPacer } from '../sdk/pacer.ts';
import { createTokenRotation } from '../sdk/token-rotation.ts';
import { isRefusedGrant, requestToken } from './oauth.ts';
import { signRequest } from './signing.ts';
import { type TikTokShopConfig, type TikTokShopCredentials, TTS_API_BASE } from './tiktokshop-schemas.ts';

/** TikTok's documented common error codes (body `code`), as the connector acts on them. */
export const ttsCodes = {
  invalidToken: 105001,
  expiredToken: 105002,
  scope: 105005,
  invalidSign: 106001,
  invalidRequest: 36009004,
  tooManyRequests: 36009002,
  internal: 36009003,
} as const;

export interface TtsCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Shop-scoped endpoints carry `shop_cipher`; authorization/shops does not. */
  shop?: boolean;
  /** Safe to resend after a 5xx / timeout (reads, absolute writes); creates are not. */
  idempotent: boolean;
}

interface Envelope<T> {
  code?: number;
  message?: string;
  request_id?: string;
  data?: T;
}

const codeOf = (error: ConnectorError): number | null => {
  const match = /"code"\s*:\s*(\d+)/.exec(String((error.details as { body?: unknown } | undefined)?.body ?? ''));
  return match ? Number(match[1]) : null;
};

export interface AuthorizedShop {
  id: string;
  name: string;
  region: string;
  cipher: string;
}

/**
 * What the TikTok Shop client's methods share for one shop: signed requests (`app_key`, `timestamp`, `sign`,
 * `x-tts-access-token`), the `{code, message, request_id, data}` envelope (non-zero codes become
 * ConnectorErrors), token refresh (proactive and on 105002; rotated credentials handed to
 * `onCredentialsRefreshed` before use), the shop cipher from /authorization/202309/shops, client-side
 * pacing that halves on 429, and retries of idempotent calls on 5xx and network failures.
 */
export function createTtsSession(context: ConnectorContext<TikTokShopCredentials, TikTokShopConfig>) {
  const { config } = context;
  const now = context.now ?? Date.now;
  const wait = context.sleep ?? defaultSleep;
  const http = createHttpClient({
    baseUrl: (config.apiBaseUrl ?? TTS_API_BASE).replace(/\/+$/, ''),
    channel: 'TikTok Shop',
    fetch: context.fetch,
    signal: context.signal,
    signals: context.signals,
    timeoutMs: 30_000,
  });
  const pacer = createPacer({ requestsPerSecond: config.requestsPerSecond, minRate: 2, recoverMs: 10_000, now, sleep: wait, signal: context.signal });
  const tokens = createTokenRotation({
    channel: 'TikTok Shop',
    subject: 'shop',
    initial: context.credentials,
    expiresAt: (c) => c.accessTokenExpiresAt,
    now,
    exchange: async (previous) => {
      const next = await requestToken(
        config,
        { appKey: previous.appKey, appSecret: previous.appSecret, refreshToken: previous.refreshToken },
        { fetch: context.fetch, now, signal: context.signal },
      );
      // The token answer knows nothing of the shop: keep what was learnt of it.
      return { ...next, ...(previous.shopCipher ? { shopCipher: previous.shopCipher } : {}), ...(previous.shopId ? { shopId: previous.shopId } : {}) };
    },
    isRefused: isRefusedGrant,
    reloadCredentials: context.reloadCredentials,
    onCredentialsRefreshed: context.onCredentialsRefreshed,
  });

  async function send<T>(call: TtsCall, cipher: string | null): Promise<T> {
    const credentials = tokens.current();
    const bodyText = call.body === undefined ? undefined : JSON.stringify(call.body);
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(call.query ?? {})) if (value !== undefined) query[key] = String(value);
    if (cipher) query.shop_cipher = cipher;
    query.app_key = credentials.appKey;
    query.timestamp = String(Math.floor(now() / 1000));
    query.sign = signRequest({ appSecret: credentials.appSecret, path: call.path, query, body: bodyText });
    const response = await http.request<Envelope<T>>({
      method: call.method ?? 'GET',
      path: call.path,
      query,
      headers: { 'x-tts-access-token': credentials.accessToken, 'content-type': 'application/json' },
      ...(bodyText === undefined ? {} : { body: bodyText }),
    });
    const envelope = response.body;
    if (envelope?.code === 0) return (envelope.data ?? {}) as T;
    const code = envelope?.code ?? null;
    const message = `TikTok Shop ${call.method ?? 'GET'} ${call.path}: code ${code ?? '?'} ${String(envelope?.message ?? 'without an envelope').slice(0, 200)}`;
    const details = { code, requestId: envelope?.request_id, body: JSON.stringify(envelope ?? null).slice(0, 300) };
    if (code === ttsCodes.tooManyRequests) throw new ConnectorError(message, { kind: 'rate_limited', upstreamStatus: response.status, details });
    if (code === ttsCodes.internal) throw new ConnectorError(message, { kind: 'upstream', upstreamStatus: response.status, details });
    if (code === ttsCodes.expiredToken || code === ttsCodes.invalidToken || code === ttsCodes.invalidSign || code === ttsCodes.scope)
      throw new ConnectorError(message, { kind: 'auth', upstreamStatus: response.status, details });
    if (/not (exist|found)/i.test(String(envelope?.message)))
      throw new ConnectorError(message, { kind: 'not_found', upstreamStatus: response.status, details });
    throw new ConnectorError(message, { kind: envelope ? 'rejected' : 'protocol', upstreamStatus: response.status, details });
  }

  let shops: Promise<AuthorizedShop> | null = null;
  /** The shop this store is (config.shopId, else the first the token authorizes) and its cipher. */
  function shop(): Promise<AuthorizedShop> {
    shops ??= request<{ shops?: AuthorizedShop[] }>({ path: '/authorization/202309/shops', idempotent: true }).then((data) => {
      const list = data.shops ?? [];
      const wanted = config.shopId ?? tokens.current().shopId;
      const found = wanted ? list.find((s) => s.id === wanted) : list[0];
      if (!found)
        throw new ConnectorError(`TikTok Shop: the token authorizes no shop${wanted ? ` ${wanted}` : ''}`, {
          kind: 'auth',
          retryable: false,
          upstreamStatus: 200,
        });
      return found;
    });
    shops.catch(() => {
      shops = null;
    });
    return shops;
  }

  async function request<T>(call: TtsCall): Promise<T> {
    let failures = 0;
    let limited = 0;
    let refreshed = false;
    for (;;) {
      if (context.signal?.aborted) throw new ConnectorError('TikTok Shop call aborted', { kind: 'network', retryable: false });
      await tokens.settled();
      if (!refreshed && tokens.expiresSoon()) {
        refreshed = true;
        await tokens.refresh();
      }
      const cipher = call.shop ? (tokens.current().shopCipher ?? (await shop()).cipher) : null;
      await pacer.take();
      const token = tokens.current().accessToken;
      try {
        return await send<T>(call, cipher);
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        const code = error.kind === 'auth' ? ((error.details as { code?: number } | undefined)?.code ?? codeOf(error)) : null;
        if (error.kind === 'auth' && (code === ttsCodes.expiredToken || code === ttsCodes.invalidToken)) {
          if (refreshed) throw tokens.reconnect(error.upstreamStatus, error);
          refreshed = true;
          if (tokens.current().accessToken === token) await tokens.refresh();
          continue;
        }
        if (error.kind === 'auth')
          throw new ConnectorError(`${error.message}: reconnect the store or check the app key and secret`, {
            kind: 'auth',
            retryable: false,
            upstreamStatus: error.upstreamStatus,
            cause: error,
          });
        if (error.kind === 'rate_limited' && ++limited <= 50) {
          const pause = error.retryAfter ?? Math.max(100, Math.random() * Math.min(10_000, 500 * 2 ** (limited - 1)));
          if (error.retryAfter === null) context.signals?.({ kind: 'retry_after', status: 429, retryAfterMs: Math.round(pause) });
          pacer.limited(pause);
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

  return { config, request, shop, credentials: tokens.current, rate: pacer.rate };
}

export type TtsSession = ReturnType<typeof createTtsSession>;

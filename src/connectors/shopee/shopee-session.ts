import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { createHttpClient } from '../sdk/http.ts';
import { createPacer } from '../sdk/pacer.ts';
import { createTokenRotation } from '../sdk/token-rotation.ts';
import { isRefusedGrant, shopeeBase, shopeeOAuth, unixSeconds } from './oauth.ts';
import { isTokenError, remapHttpError, type ShopeeErrorBody, shopeeError } from './shopee-errors.ts';
import { regionCurrencies, type ShopeeConfig, type ShopeeCredentials } from './shopee-schemas.ts';
import { signRequest } from './signing.ts';

const repeatedQuery = (repeated: ShopeeCall['repeated']) => {
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(repeated ?? {})) for (const value of values) params.append(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export interface ShopeeCall {
  method?: 'GET' | 'POST';
  /** The API path, e.g. `/api/v2/product/get_item_list` (it is part of what is signed). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Repeated query parameters (`item_status=NORMAL&item_status=UNLIST`), appended after the signed path. */
  repeated?: Record<string, readonly string[]>;
  /** Safe to resend after a 5xx / timeout (reads, absolute writes such as update_stock); add_item is not. */
  idempotent: boolean;
}

/**
 * What the Shopee client's methods share for one shop: every call signed (`partner_id + path + timestamp +
 * access_token + shop_id`, a fresh timestamp per attempt), the access token refreshed a minute before it
 * expires and on a token error (the rotated refresh token handed to `onCredentialsRefreshed` before use;
 * one refresh at a time), client-side pacing (halved on every rate-limit answer), and retries of idempotent
 * calls on 5xx and network failures.
 */
export function createShopeeSession(context: ConnectorContext<ShopeeCredentials, ShopeeConfig>) {
  const { config } = context;
  const now = context.now ?? Date.now;
  const http = createHttpClient({ baseUrl: shopeeBase(config), channel: 'Shopee', fetch: context.fetch, signal: context.signal, timeoutMs: 30_000 });
  const pacer = createPacer({
    requestsPerSecond: config.requestsPerSecond,
    minRate: Math.max(1, config.requestsPerSecond / 4),
    now,
    sleep: context.sleep,
    signal: context.signal,
  });
  const wait = (ms: number) => (context.sleep ? context.sleep(ms, context.signal) : new Promise<void>((r) => setTimeout(r, ms)));
  const tokens = createTokenRotation({
    channel: 'Shopee',
    subject: 'shop',
    initial: context.credentials,
    expiresAt: (c) => c.expiresAt,
    now,
    exchange: (previous) =>
      (shopeeOAuth.refresh as NonNullable<typeof shopeeOAuth.refresh>)({
        config,
        credentials: previous,
        clientId: String(previous.partnerId),
        clientSecret: previous.partnerKey,
        fetch: context.fetch,
      }),
    isRefused: isRefusedGrant,
    refusedStatus: (error) => (error as ConnectorError).upstreamStatus,
    reloadCredentials: context.reloadCredentials,
    onCredentialsRefreshed: context.onCredentialsRefreshed,
  });

  async function attempt<T>(call: ShopeeCall, token: string): Promise<T> {
    const timestamp = unixSeconds(now());
    const { partnerId, partnerKey, shopId } = tokens.current();
    const sign = signRequest(partnerKey, { partnerId, path: call.path, timestamp, accessToken: token, shopId });
    let body: (ShopeeErrorBody & { response?: T }) | null;
    let status: number;
    try {
      const answer = await http.request<ShopeeErrorBody & { response?: T }>({
        method: call.method ?? 'GET',
        path: `${call.path}${repeatedQuery(call.repeated)}`,
        query: { partner_id: partnerId, timestamp, access_token: token, shop_id: shopId, sign, ...call.query },
        ...(call.body === undefined ? {} : { body: call.body }),
      });
      body = answer.body;
      status = answer.status;
    } catch (error) {
      throw remapHttpError(error, call.path);
    }
    if (body && typeof body === 'object' && body.error) throw shopeeError(call.path, body, status);
    return body as T;
  }

  /** One signed call; the whole answer (`{ response, request_id, … }`; some endpoints answer at the top level). */
  async function request<T>(call: ShopeeCall): Promise<T> {
    let failures = 0;
    let limited = 0;
    let refreshed = false;
    for (;;) {
      if (context.signal?.aborted) throw new ConnectorError('Shopee call aborted', { kind: 'network', retryable: false });
      await tokens.settled();
      if (!refreshed && tokens.expiresSoon()) {
        refreshed = true;
        await tokens.refresh();
      }
      await pacer.take();
      const token = tokens.current().accessToken;
      try {
        return await attempt<T>(call, token);
      } catch (error) {
        if (!isConnectorError(error)) throw error;
        if (isTokenError(error)) {
          if (refreshed) throw tokens.reconnect(error.upstreamStatus, error);
          refreshed = true;
          if (tokens.current().accessToken === token) await tokens.refresh();
          continue;
        }
        if (error.kind === 'rate_limited' && ++limited <= 50) {
          const pause = error.retryAfter ?? Math.max(100, Math.random() * Math.min(10_000, 500 * 2 ** (limited - 1)));
          context.signals?.({ kind: 'retry_after', status: error.upstreamStatus ?? 429, retryAfterMs: Math.round(pause) });
          pacer.limited(pause);
          continue;
        }
        if ((error.kind === 'upstream' || error.kind === 'network') && call.idempotent && ++failures < 6) {
          await wait(Math.max(error.retryAfter ?? 0, Math.random() * Math.min(10_000, 200 * 2 ** failures)));
          continue;
        }
        throw error;
      }
    }
  }

  // get_shop_info once per shop and caller (context.shared), not once per client: a sync builds a client per page.
  const shared = context.shared ?? new Map<string, Promise<unknown>>();
  const shopKey = `shopee:shop_info:${context.credentials.shopId}`;
  const shop = () => {
    let info = shared.get(shopKey) as Promise<{ shop_name: string; region: string }> | undefined;
    if (!info) {
      const pending = request<{ shop_name: string; region: string }>({ path: '/api/v2/shop/get_shop_info', idempotent: true });
      pending.catch(() => {
        if (shared.get(shopKey) === pending) shared.delete(shopKey);
      });
      shared.set(shopKey, pending);
      info = pending;
    }
    return info;
  };

  return {
    config,
    request,
    shop,
    currency: async () => regionCurrencies[(await shop()).region] ?? 'BRL',
    shopId: () => tokens.current().shopId,
    credentials: tokens.current,
    pacer,
  };
}

export type ShopeeSession = ReturnType<typeof createShopeeSession>;

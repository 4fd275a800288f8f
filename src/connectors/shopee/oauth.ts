import { constantTimeEqual } from '../../lib/crypto.ts';
import { ConnectorError } from '../sdk/connector-error.ts';
import type { OAuth2Auth } from '../sdk/define-connector.ts';
import { createHttpClient } from '../sdk/http.ts';
import { SHOPEE_API_BASE, type ShopeeConfig, type ShopeeCredentials, shopeeCredentialsSchema } from './shopee-schemas.ts';
import { signRequest } from './signing.ts';

export const AUTH_PARTNER_PATH = '/api/v2/shop/auth_partner';
export const TOKEN_GET_PATH = '/api/v2/auth/token/get';
export const TOKEN_REFRESH_PATH = '/api/v2/auth/access_token/get';

interface TokenAnswer {
  error?: string;
  message?: string;
  request_id?: string;
  access_token?: string;
  refresh_token?: string;
  expire_in?: number;
  shop_id?: number;
}

export const shopeeBase = (config: Pick<ShopeeConfig, 'apiBaseUrl'>) => (config.apiBaseUrl ?? SHOPEE_API_BASE).replace(/\/+$/, '');
export const unixSeconds = (ms: number) => Math.floor(ms / 1000);

/** Shopee's way of saying a refresh token or code is spent, expired or unknown. */
export const isRefusedGrant = (error: unknown) =>
  error instanceof ConnectorError && error.kind === 'auth' && (error.details as { grant?: boolean })?.grant === true;

/** POST a public (partner-signed) auth call: `/api/v2/auth/token/get` or `/api/v2/auth/access_token/get`. */
export async function requestTokens(
  config: Pick<ShopeeConfig, 'apiBaseUrl'>,
  partner: { partnerId: number; partnerKey: string },
  path: typeof TOKEN_GET_PATH | typeof TOKEN_REFRESH_PATH,
  body: Record<string, unknown>,
  options: { fetch?: typeof fetch; now?: () => number; signal?: AbortSignal; shopId: number },
): Promise<ShopeeCredentials> {
  const now = options.now?.() ?? Date.now();
  const timestamp = unixSeconds(now);
  const http = createHttpClient({ baseUrl: shopeeBase(config), channel: 'Shopee', fetch: options.fetch, timeoutMs: 15_000, signal: options.signal });
  let answer: TokenAnswer;
  try {
    answer = (
      await http.request<TokenAnswer>({
        method: 'POST',
        path,
        query: { partner_id: partner.partnerId, timestamp, sign: signRequest(partner.partnerKey, { partnerId: partner.partnerId, path, timestamp }) },
        body: { ...body, partner_id: partner.partnerId },
      })
    ).body;
  } catch (error) {
    if (error instanceof ConnectorError && (error.kind === 'auth' || error.kind === 'rejected')) {
      throw new ConnectorError(`Shopee refused the ${path === TOKEN_GET_PATH ? 'authorization code' : 'refresh token'}: ${error.message}`, {
        kind: 'auth',
        retryable: false,
        upstreamStatus: error.upstreamStatus,
        details: { grant: true },
        cause: error,
      });
    }
    throw error;
  }
  if (answer?.error) {
    throw new ConnectorError(`Shopee refused the token request (${answer.error}: ${answer.message ?? ''})`, {
      kind: 'auth',
      retryable: false,
      details: { grant: true },
    });
  }
  const parsed = shopeeCredentialsSchema.safeParse({
    partnerId: partner.partnerId,
    partnerKey: partner.partnerKey,
    shopId: options.shopId,
    accessToken: answer?.access_token,
    refreshToken: answer?.refresh_token,
    expiresAt: typeof answer?.expire_in === 'number' ? new Date(now + answer.expire_in * 1000).toISOString() : undefined,
  });
  if (!parsed.success) throw new ConnectorError('Shopee answered the token request without access and refresh tokens', { kind: 'protocol' });
  return parsed.data;
}

/**
 * Shop authorization: the seller opens `/api/v2/shop/auth_partner?partner_id&timestamp&sign&redirect` (valid
 * 5 minutes: the sign covers the timestamp) and Shopee redirects to `redirect?code=…&shop_id=…`. Shopee passes
 * no `state` back, so Nexo's state rides inside the redirect URL. `clientId` is the partner id, `clientSecret`
 * the partner key.
 */
export const shopeeOAuth: OAuth2Auth<ShopeeCredentials, ShopeeConfig> = {
  type: 'oauth2',
  description:
    'Shop authorization link (auth_partner, signed with the partner key, valid 5 min) → code (10 min) + shop_id → access token (4 h) and refresh token (30 days, rotates on every refresh)',
  authorizeUrl({ config, clientId, clientSecret, redirectUri, state }) {
    if (!clientSecret) throw new ConnectorError('Shopee authorization links are signed with the partner key: pass it as clientSecret', { kind: 'rejected' });
    const timestamp = unixSeconds(Date.now());
    const redirect = new URL(redirectUri);
    redirect.searchParams.set('state', state);
    const url = new URL(`${shopeeBase(config)}${AUTH_PARTNER_PATH}`);
    url.searchParams.set('partner_id', clientId);
    url.searchParams.set('timestamp', String(timestamp));
    url.searchParams.set('sign', signRequest(clientSecret, { partnerId: clientId, path: AUTH_PARTNER_PATH, timestamp }));
    url.searchParams.set('redirect', redirect.toString());
    return url.toString();
  },
  async completeAuthorization({ config, query, clientId, clientSecret, expectedState, fetch }) {
    const refuse = (why: string) => new ConnectorError(`Shopee authorization callback refused: ${why}`, { kind: 'auth', retryable: false });
    if (typeof query.state !== 'string' || expectedState === '' || !constantTimeEqual(query.state, expectedState)) throw refuse('state does not match');
    if (typeof query.code !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(query.code)) throw refuse('no code');
    const shopId = Number(query.shop_id);
    if (!Number.isSafeInteger(shopId) || shopId <= 0) throw refuse('no shop_id (main-account authorizations are not supported)');
    const partner = { partnerId: Number(clientId), partnerKey: clientSecret };
    return requestTokens(config, partner, TOKEN_GET_PATH, { code: query.code, shop_id: shopId }, { fetch, shopId });
  },
  accountOf: (credentials) => String(credentials.shopId),
  refresh: ({ config, credentials, fetch }) =>
    requestTokens(
      config,
      credentials,
      TOKEN_REFRESH_PATH,
      { refresh_token: credentials.refreshToken, shop_id: credentials.shopId },
      { fetch, shopId: credentials.shopId },
    ),
};

import { constantTimeEqual } from '../../lib/crypto.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { OAuth2Auth } from '../sdk/define-connector.ts';
import { createHttpClient } from '../sdk/http.ts';
import { type TikTokShopConfig, type TikTokShopCredentials, TTS_AUTH_BASE, TTS_SERVICES_BASE } from './tiktokshop-schemas.ts';

interface TokenData {
  access_token?: string;
  access_token_expire_in?: number;
  refresh_token?: string;
  refresh_token_expire_in?: number;
  open_id?: string;
  seller_name?: string;
}

/** TikTok sends expiries as Unix timestamps (seconds); a small number is read as seconds from now. */
const expiry = (value: number | undefined, nowMs: number) =>
  typeof value !== 'number' || value <= 0 ? undefined : new Date(value > 1e9 ? value * 1000 : nowMs + value * 1000).toISOString();

/** The token endpoint refused the code or refresh token (TikTok answers HTTP 200 with a non-zero code). */
export const isRefusedGrant = (error: unknown) =>
  isConnectorError(error) && error.kind === 'auth' && (error.details as { grant?: boolean } | undefined)?.grant === true;

/**
 * `GET {auth}/api/v2/token/get?app_key&app_secret&auth_code&grant_type=authorized_code` or
 * `/api/v2/token/refresh?…&refresh_token&grant_type=refresh_token` (GET with the secret in the query, as
 * TikTok documents it; success is `code: 0` in the body, not the HTTP status).
 */
export async function requestToken(
  config: Pick<TikTokShopConfig, 'authBaseUrl'>,
  input: { appKey: string; appSecret: string } & ({ authCode: string } | { refreshToken: string }),
  options: { fetch?: typeof fetch; now?: () => number; signal?: AbortSignal } = {},
): Promise<TikTokShopCredentials> {
  const http = createHttpClient({
    baseUrl: (config.authBaseUrl ?? TTS_AUTH_BASE).replace(/\/+$/, ''),
    channel: 'TikTok Shop',
    fetch: options.fetch,
    timeoutMs: 15_000,
    signal: options.signal,
  });
  const refresh = 'refreshToken' in input;
  const { body } = await http.request<{ code?: number; message?: string; data?: TokenData }>({
    path: refresh ? '/api/v2/token/refresh' : '/api/v2/token/get',
    query: {
      app_key: input.appKey,
      app_secret: input.appSecret,
      ...(refresh ? { refresh_token: input.refreshToken, grant_type: 'refresh_token' } : { auth_code: input.authCode, grant_type: 'authorized_code' }),
    },
  });
  if (body?.code !== 0) {
    throw new ConnectorError(
      `TikTok Shop refused the ${refresh ? 'refresh token' : 'authorization code'} (code ${body?.code ?? '?'}: ${String(body?.message ?? '').slice(0, 120)})`,
      {
        kind: 'auth',
        retryable: false,
        upstreamStatus: 200,
        details: { grant: true, code: body?.code },
      },
    );
  }
  const data = body.data ?? {};
  if (!data.access_token || !data.refresh_token) throw new ConnectorError('TikTok Shop answered the token request without tokens', { kind: 'protocol' });
  const nowMs = options.now?.() ?? Date.now();
  const accessTokenExpiresAt = expiry(data.access_token_expire_in, nowMs);
  const refreshTokenExpiresAt = expiry(data.refresh_token_expire_in, nowMs);
  return {
    appKey: input.appKey,
    appSecret: input.appSecret,
    accessToken: data.access_token,
    refreshToken: data.refresh_token,
    ...(accessTokenExpiresAt ? { accessTokenExpiresAt } : {}),
    ...(refreshTokenExpiresAt ? { refreshTokenExpiresAt } : {}),
  };
}

/** TikTok Shop's seller authorization: the service link, then an auth code exchanged for tokens. */
export const tiktokShopOAuth: OAuth2Auth<TikTokShopCredentials, TikTokShopConfig> = {
  type: 'oauth2',
  description:
    'Seller authorization through the app service link (services.tiktokshop.com/open/authorize?service_id); the auth code is exchanged at auth.tiktok-shops.com for an access token (about 7 days) and a refresh token; every call is signed with the app secret',
  authorizeUrl({ config, clientId, state }) {
    const url = new URL(`${(config.servicesBaseUrl ?? TTS_SERVICES_BASE).replace(/\/+$/, '')}/open/authorize`);
    if (config.serviceId) url.searchParams.set('service_id', config.serviceId);
    else url.searchParams.set('app_key', clientId);
    url.searchParams.set('state', state);
    return url.toString();
  },
  async completeAuthorization({ config, query, clientId, clientSecret, expectedState, fetch }) {
    const refuse = (why: string) => new ConnectorError(`TikTok Shop authorization callback refused: ${why}`, { kind: 'auth', retryable: false });
    if (typeof query.state !== 'string' || expectedState === '' || !constantTimeEqual(query.state, expectedState)) throw refuse('state does not match');
    if (typeof query.code !== 'string' || !/^[A-Za-z0-9_-]{1,300}$/.test(query.code)) throw refuse('no code');
    try {
      return await requestToken(config, { appKey: clientId, appSecret: clientSecret, authCode: query.code }, { fetch });
    } catch (error) {
      if (isRefusedGrant(error)) throw refuse('the code is expired or already used');
      throw error;
    }
  },
  refresh: ({ config, credentials, fetch }) =>
    requestToken(config, { appKey: credentials.appKey, appSecret: credentials.appSecret, refreshToken: credentials.refreshToken }, { fetch }),
};

import { constantTimeEqual } from '../../lib/crypto.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { OAuth2Auth } from '../sdk/define-connector.ts';
import { createHttpClient } from '../sdk/http.ts';
import { type MercadoLivreConfig, type MercadoLivreCredentials, ML_API_BASE, ML_AUTH_BASE, mercadoLivreCredentialsSchema } from './mercadolivre-schemas.ts';

interface TokenAnswer {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  user_id?: number | string;
}

const apiBase = (config: Pick<MercadoLivreConfig, 'apiBaseUrl'>) => (config.apiBaseUrl ?? ML_API_BASE).replace(/\/+$/, '');

/** True when ML refused a code or refresh token as used, expired or unknown (`invalid_grant`). */
export const isInvalidGrant = (error: unknown) =>
  isConnectorError(error) && error.upstreamStatus === 400 && /invalid_grant/.test(String((error.details as { body?: unknown } | undefined)?.body ?? ''));

/** `POST /oauth/token` (form-encoded, as ML documents it); the answer as credentials. */
export async function requestToken(
  config: Pick<MercadoLivreConfig, 'apiBaseUrl'>,
  form: Record<string, string>,
  options: { fetch?: typeof fetch; now?: () => number; signal?: AbortSignal } = {},
): Promise<MercadoLivreCredentials> {
  const http = createHttpClient({ baseUrl: apiBase(config), channel: 'Mercado Livre', fetch: options.fetch, timeoutMs: 15_000, signal: options.signal });
  const { body } = await http.request<TokenAnswer>({
    method: 'POST',
    path: '/oauth/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const now = options.now?.() ?? Date.now();
  const parsed = mercadoLivreCredentialsSchema.safeParse({
    accessToken: body?.access_token,
    refreshToken: body?.refresh_token,
    userId: body?.user_id,
    expiresAt: typeof body?.expires_in === 'number' ? new Date(now + body.expires_in * 1000).toISOString() : undefined,
  });
  if (!parsed.success) throw new ConnectorError('Mercado Livre answered the token request without access and refresh tokens', { kind: 'protocol' });
  return parsed.data;
}

/** grant_type=refresh_token: the answer carries a NEW refresh token; the one sent stops working. */
export function refreshTokens(input: {
  config: Pick<MercadoLivreConfig, 'apiBaseUrl'>;
  credentials: MercadoLivreCredentials;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
  now?: () => number;
  signal?: AbortSignal;
}): Promise<MercadoLivreCredentials> {
  return requestToken(
    input.config,
    { grant_type: 'refresh_token', client_id: input.clientId, client_secret: input.clientSecret, refresh_token: input.credentials.refreshToken },
    input,
  );
}

/** Mercado Livre's OAuth 2 authorization-code grant (offline access: the answer includes a refresh token). */
export const mercadoLivreOAuth: OAuth2Auth<MercadoLivreCredentials, MercadoLivreConfig> = {
  type: 'oauth2',
  description:
    'OAuth 2 authorization code (auth.mercadolivre.com.br); access tokens expire after 6 h; every refresh returns a new refresh token and invalidates the previous one',
  authorizeUrl({ config, clientId, redirectUri, state }) {
    const url = new URL(`${(config.authBaseUrl ?? ML_AUTH_BASE).replace(/\/+$/, '')}/authorization`);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    return url.toString();
  },
  async completeAuthorization({ config, query, clientId, clientSecret, expectedState, redirectUri, fetch }) {
    const refuse = (why: string) => new ConnectorError(`Mercado Livre authorization callback refused: ${why}`, { kind: 'auth', retryable: false });
    if (typeof query.error === 'string') throw refuse(`the seller did not authorize (${query.error.slice(0, 60)})`);
    if (typeof query.state !== 'string' || expectedState === '' || !constantTimeEqual(query.state, expectedState)) throw refuse('state does not match');
    if (typeof query.code !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(query.code)) throw refuse('no code');
    try {
      return await requestToken(
        config,
        { grant_type: 'authorization_code', client_id: clientId, client_secret: clientSecret, code: query.code, redirect_uri: redirectUri },
        { fetch },
      );
    } catch (error) {
      if (isInvalidGrant(error)) throw refuse('the code is expired, already used or was issued for another redirect_uri');
      throw error;
    }
  },
  refresh: ({ config, credentials, clientId, clientSecret, fetch }) => refreshTokens({ config, credentials, clientId, clientSecret, fetch }),
};

import { constantTimeEqual } from '../../lib/crypto.ts';
import { ConnectorError } from '../sdk/connector-error.ts';
import type { OAuth2Auth } from '../sdk/define-connector.ts';
import { createHttpClient } from '../sdk/http.ts';
import { defaultShopifyScopes, type ShopifyConfig, type ShopifyCredentials, shopifyCredentialsSchema } from './shopify-schemas.ts';
import { isShopDomain, verifyOAuthCallbackHmac } from './webhooks.ts';

/** How old a callback may be (its `timestamp`), so a captured callback URL cannot be replayed later. */
const CALLBACK_MAX_AGE_S = 24 * 3600;

const baseOf = (config: ShopifyConfig) => (config.apiBaseUrl ?? `https://${config.shop}`).replace(/\/+$/, '');

/** Shopify's authorization-code grant (offline tokens): authorize redirect, signed callback, code exchange. */
export const shopifyOAuth: OAuth2Auth<ShopifyCredentials, ShopifyConfig> = {
  type: 'oauth2',
  description: 'OAuth authorization code (offline access token); the callback is verified by its hmac (HMAC-SHA256 with the app secret) and state',
  authorizeUrl({ config, clientId, redirectUri, state, scopes }) {
    const url = new URL(`${baseOf(config)}/admin/oauth/authorize`);
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('scope', (scopes ?? defaultShopifyScopes).join(','));
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('state', state);
    return url.toString();
  },
  async completeAuthorization({ config, query, clientId, clientSecret, expectedState, fetch }) {
    const refuse = (why: string) => new ConnectorError(`Shopify install callback refused: ${why}`, { kind: 'auth', retryable: false });
    if (!verifyOAuthCallbackHmac(query, clientSecret)) throw refuse('bad hmac');
    if (typeof query.state !== 'string' || expectedState === '' || !constantTimeEqual(query.state, expectedState)) throw refuse('state does not match');
    if (typeof query.shop !== 'string' || !isShopDomain(query.shop) || query.shop !== config.shop) throw refuse('shop does not match');
    const timestamp = Number(query.timestamp);
    if (!Number.isFinite(timestamp) || Math.abs(Date.now() / 1000 - timestamp) > CALLBACK_MAX_AGE_S) throw refuse('timestamp too old');
    if (typeof query.code !== 'string' || !/^[A-Za-z0-9_-]{1,200}$/.test(query.code)) throw refuse('no code');
    const http = createHttpClient({ baseUrl: baseOf(config), channel: 'Shopify', fetch, timeoutMs: 15_000 });
    const { body } = await http.request<{ access_token?: string; scope?: string }>({
      method: 'POST',
      path: '/admin/oauth/access_token',
      body: { client_id: clientId, client_secret: clientSecret, code: query.code },
    });
    const parsed = shopifyCredentialsSchema.safeParse({ accessToken: body?.access_token, scopes: body?.scope });
    if (!parsed.success) throw new ConnectorError('Shopify returned no access token', { kind: 'protocol' });
    return parsed.data;
  },
};

import { constantTimeEqual, hmacSha256 } from '../../lib/crypto.ts';
import type { VerifiedWebhook, WebhookScheme } from '../sdk/define-connector.ts';

/** `some-shop.myshopify.com`: the only shop form the OAuth flow and webhooks accept. */
export const isShopDomain = (shop: string): boolean => /^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/i.test(shop);

// Shopify's rule for the signed message: `%` and `&` are escaped in keys and values, `=` in keys; nothing else is encoded.
const escapeValue = (text: string) => text.replace(/%/g, '%25').replace(/&/g, '%26');
const escapeKey = (text: string) => escapeValue(text).replace(/=/g, '%3D');

/**
 * The message Shopify signs on an OAuth callback: every (decoded) parameter but `hmac` (and the
 * legacy `signature`), sorted by key, as `key=value` joined with `&`, escaped as above.
 */
export function oauthMessage(query: URLSearchParams | Record<string, string>): string {
  const entries = (query instanceof URLSearchParams ? [...query.entries()] : Object.entries(query)).filter(([key]) => key !== 'hmac' && key !== 'signature');
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.map(([key, value]) => `${escapeKey(key)}=${escapeValue(value)}`).join('&');
}

/** The OAuth callback `hmac`: hex HMAC-SHA256 of `oauthMessage` under the app's client secret, compared in constant time (lowercase hex, as Shopify sends it). */
export function verifyOAuthCallbackHmac(query: URLSearchParams | Record<string, string>, clientSecret: string): boolean {
  const presented = query instanceof URLSearchParams ? query.get('hmac') : query.hmac;
  if (typeof presented !== 'string' || !/^[0-9a-f]{64}$/.test(presented) || clientSecret === '') return false;
  const expected = hmacSha256(clientSecret, oauthMessage(query)).toString('hex');
  return constantTimeEqual(expected, presented);
}

/**
 * A webhook's `X-Shopify-Hmac-Sha256`: base64 HMAC-SHA256 of the raw body (the exact bytes received)
 * under the app's client secret. Several secrets may be active while one is being rotated.
 */
export function verifyWebhookHmac(rawBody: Buffer | string, header: string | undefined | null, secrets: readonly string[]): boolean {
  if (typeof header !== 'string' || !/^[A-Za-z0-9+/]{43}=$/.test(header.trim())) return false;
  let valid = false;
  for (const secret of secrets) {
    if (secret === '') continue;
    // No early exit: every active secret is tried, so timing does not tell which one matched.
    if (constantTimeEqual(hmacSha256(secret, rawBody).toString('base64'), header.trim())) valid = true;
  }
  return valid;
}

export interface ShopifyWebhookHeaders {
  topic: string;
  /** Unique per delivery attempt set: deduplicate on it (Shopify retries with the same id). */
  webhookId: string;
  shopDomain: string;
  apiVersion: string | null;
  triggeredAt: string | null;
  eventId: string | null;
}

/** Reads the X-Shopify-* headers (any case); null when a required one is missing or malformed. */
export function readWebhookHeaders(headers: Record<string, string | string[] | undefined> | Headers): ShopifyWebhookHeaders | null {
  const get = (name: string): string | null => {
    if (headers instanceof Headers) return headers.get(name);
    const value = headers[name] ?? headers[name.toLowerCase()];
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  };
  const topic = get('x-shopify-topic');
  const webhookId = get('x-shopify-webhook-id');
  const shopDomain = get('x-shopify-shop-domain');
  if (!topic || !/^[a-z_]+\/[a-z_]+$/.test(topic) || !webhookId || !shopDomain || !isShopDomain(shopDomain)) return null;
  return {
    topic,
    webhookId,
    shopDomain,
    apiVersion: get('x-shopify-api-version'),
    triggeredAt: get('x-shopify-triggered-at'),
    eventId: get('x-shopify-event-id'),
  };
}

const gidTypes: Record<string, string> = { product: 'Product', order: 'Order', inventory: 'InventoryItem' };

/** The resource a delivery names, as the Admin GraphQL id the connector reads it by (`gid://shopify/Product/1`). */
const resourceOf = (topic: string, body: Buffer): VerifiedWebhook['resource'] => {
  const family = topic.split('/')[0];
  const type = family === 'products' ? 'product' : family === 'orders' ? 'order' : family === 'inventory_levels' ? 'inventory' : 'other';
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { admin_graphql_api_id?: unknown; id?: unknown; inventory_item_id?: unknown };
    const id = type === 'inventory' ? parsed.inventory_item_id : (parsed.admin_graphql_api_id ?? parsed.id);
    if (typeof id === 'string' && id.startsWith('gid://')) return { type, id };
    const gidType = gidTypes[type];
    const numeric = typeof id === 'number' || (typeof id === 'string' && /^\d+$/.test(id));
    return { type, id: numeric && gidType ? `gid://shopify/${gidType}/${id}` : typeof id === 'string' ? id : null };
  } catch {
    return { type, id: null };
  }
};

/** Shopify's webhook scheme: X-Shopify-Hmac-Sha256 over the raw body; deduplicated on X-Shopify-Webhook-Id (retries keep it). */
export const shopifyWebhookScheme: WebhookScheme = {
  signatureHeader: 'x-shopify-hmac-sha256',
  topics: ['orders/create', 'orders/updated', 'products/update', 'inventory_levels/update', 'app/uninstalled'],
  verify({ rawBody, headers, secrets }) {
    const signature = headers['x-shopify-hmac-sha256'];
    if (!verifyWebhookHmac(rawBody, Array.isArray(signature) ? signature[0] : signature, secrets)) return null;
    const read = readWebhookHeaders(headers);
    if (!read) return null;
    return { eventId: read.webhookId, topic: read.topic, accountId: read.shopDomain, resource: resourceOf(read.topic, rawBody) };
  },
};

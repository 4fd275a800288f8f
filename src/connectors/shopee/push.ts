import { sha256Hex } from '../../lib/crypto.ts';
import type { VerifiedWebhook, WebhookScheme } from '../sdk/define-connector.ts';
import { createLostPushClient, type ShopeePushMessage } from './lost-push.ts';
import { shopeeConfigSchema, shopeeCredentialsSchema } from './shopee-schemas.ts';
import { verifyPushSignature } from './signing.ts';

/** Push codes Nexo acts on (Shopee Open Platform v2 push mechanism). */
export const pushCodes: Record<number, { topic: string; resource: VerifiedWebhook['resource']['type'] }> = {
  1: { topic: 'shop_authorization_push', resource: 'other' },
  2: { topic: 'shop_authorization_canceled_push', resource: 'other' },
  3: { topic: 'order_status_push', resource: 'order' },
  4: { topic: 'order_trackingno_push', resource: 'order' },
  6: { topic: 'banned_item_push', resource: 'product' },
  8: { topic: 'reserved_stock_change_push', resource: 'inventory' },
  16: { topic: 'violation_item_push', resource: 'product' },
};

/** Keys sorted at every level: a live push and its lost-push copy give the same text. */
const canonical = (value: unknown): string =>
  Array.isArray(value)
    ? `[${value.map(canonical).join(',')}]`
    : value !== null && typeof value === 'object'
      ? `{${Object.keys(value)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
          .join(',')}}`
      : JSON.stringify(value);

/**
 * A push message reduced to what Nexo stores. Shopee sends no event id, so the id is a digest of shop, code,
 * timestamp and data (canonical): a redelivery, and the same message recovered through get_lost_push_message,
 * deduplicate to one event.
 */
export function describePush(message: ShopeePushMessage): VerifiedWebhook | null {
  if (!Number.isSafeInteger(message?.shop_id) || !Number.isSafeInteger(message.code)) return null;
  let data = message.data;
  if (typeof data === 'string') {
    try {
      data = JSON.parse(data);
    } catch {
      return null;
    }
  }
  const known = pushCodes[message.code] ?? { topic: `push_${message.code}`, resource: 'other' as const };
  const fields = (data ?? {}) as Record<string, unknown>;
  const id = known.resource === 'order' ? fields.ordersn : known.resource === 'product' || known.resource === 'inventory' ? fields.item_id : null;
  return {
    eventId: `${message.code}:${sha256Hex(`${message.shop_id}|${message.code}|${message.timestamp}|${canonical(data)}`).slice(0, 40)}`,
    topic: known.topic,
    accountId: String(message.shop_id),
    resource: { type: known.resource, id: id === null || id === undefined ? null : String(id) },
  };
}

/**
 * Shopee push notifications: `Authorization` = hex HMAC-SHA256(partner_key, callback URL + "|" + raw body).
 * The URL is the one registered on the Open Platform console (Nexo's `NEXO_PUBLIC_URL` + the route path).
 */
export const shopeePushScheme: WebhookScheme = {
  signatureHeader: 'Authorization',
  credentialSecrets: (credentials) => {
    const key = (credentials as { partnerKey?: unknown } | null)?.partnerKey;
    return typeof key === 'string' && key !== '' ? [key] : [];
  },
  async recoverLost({ credentials, config, fetch }) {
    const { partnerId, partnerKey } = shopeeCredentialsSchema.parse(credentials);
    const client = createLostPushClient({ config: shopeeConfigSchema.parse(config), partnerId, partnerKey, fetch });
    const page = await client.fetch();
    const events = page.messages.flatMap((message) => {
      const verified = describePush(message);
      return verified ? [{ verified, payload: message }] : [];
    });
    const last = page.lastMessageId;
    return { events, hasMore: page.hasNextPage, confirm: async () => void (last ? await client.confirm(last) : undefined) };
  },
  verify({ rawBody, headers, secrets, url }) {
    const header = headers.authorization;
    if (!url || !verifyPushSignature({ url, rawBody, authorization: Array.isArray(header) ? header[0] : header, keys: secrets })) return null;
    try {
      return describePush(JSON.parse(rawBody.toString('utf8')) as ShopeePushMessage);
    } catch {
      return null;
    }
  },
};

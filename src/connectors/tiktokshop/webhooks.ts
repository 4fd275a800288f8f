import type { VerifiedWebhook, WebhookScheme } from '../sdk/define-connector.ts';
import { verifyWebhookSignature } from './signing.ts';

/** TikTok Shop webhook types (the `type` field) Nexo acts on, and their resource. */
export const ttsWebhookTypes: Record<number, { topic: string; resource: VerifiedWebhook['resource']['type'] }> = {
  1: { topic: 'ORDER_STATUS_CHANGE', resource: 'order' },
  2: { topic: 'REVERSE_STATUS_UPDATE', resource: 'order' },
  3: { topic: 'RECIPIENT_ADDRESS_UPDATE', resource: 'order' },
  4: { topic: 'PACKAGE_UPDATE', resource: 'order' },
  5: { topic: 'PRODUCT_STATUS_CHANGE', resource: 'product' },
  6: { topic: 'SELLER_DEAUTHORIZATION', resource: 'other' },
  7: { topic: 'UPCOMING_AUTHORIZATION_EXPIRATION', resource: 'other' },
};

/** The names PUT /event/202309/webhooks takes. */
export const ttsEventTypes = ['ORDER_STATUS_CHANGE', 'PRODUCT_STATUS_CHANGE', 'REVERSE_STATUS_UPDATE', 'PACKAGE_UPDATE', 'SELLER_DEAUTHORIZATION'] as const;

/**
 * A webhook secret for TikTok Shop is `<app_key>:<app_secret>` (the signature covers the app key): the store's
 * credentials give one (`webhookSecretsOf`), and more can be set on the store while an app secret rotates.
 */
export const webhookSecretOf = (appKey: string, appSecret: string) => `${appKey}:${appSecret}`;

interface TtsNotification {
  type?: unknown;
  tts_notification_id?: unknown;
  shop_id?: unknown;
  data?: { order_id?: unknown; product_id?: unknown };
}

/**
 * TikTok Shop signs each webhook in the `Authorization` header: hex HMAC-SHA256 of `app_key + raw body` under the
 * app secret (no timestamp: replays are absorbed by deduplicating on `tts_notification_id`).
 */
export const tiktokShopWebhookScheme: WebhookScheme = {
  signatureHeader: 'authorization',
  credentialSecrets: (stored) => {
    const credentials = stored as Record<string, unknown>;
    return typeof credentials.appKey === 'string' && typeof credentials.appSecret === 'string'
      ? [webhookSecretOf(credentials.appKey, credentials.appSecret)]
      : [];
  },
  verify({ rawBody, headers, secrets }) {
    const raw = headers.authorization;
    const header = Array.isArray(raw) ? raw[0] : raw;
    let valid = false;
    for (const secret of secrets) {
      const split = secret.indexOf(':');
      if (split <= 0) continue;
      // No early exit: every active secret is tried, so timing does not tell which one matched.
      if (verifyWebhookSignature(rawBody, header, secret.slice(0, split), secret.slice(split + 1))) valid = true;
    }
    if (!valid) return null;
    let body: TtsNotification;
    try {
      body = JSON.parse(rawBody.toString('utf8')) as TtsNotification;
    } catch {
      return null;
    }
    const id = typeof body.tts_notification_id === 'string' || typeof body.tts_notification_id === 'number' ? String(body.tts_notification_id) : null;
    const shopId = typeof body.shop_id === 'string' || typeof body.shop_id === 'number' ? String(body.shop_id) : null;
    if (!id || !shopId || typeof body.type !== 'number') return null;
    const known = ttsWebhookTypes[body.type];
    const type = known?.resource ?? 'other';
    const resourceId = type === 'order' ? body.data?.order_id : type === 'product' ? body.data?.product_id : null;
    return {
      eventId: id,
      topic: known?.topic ?? `type_${body.type}`,
      accountId: shopId,
      resource: { type, id: typeof resourceId === 'string' || typeof resourceId === 'number' ? String(resourceId) : null },
    };
  },
};

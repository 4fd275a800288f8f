import { createHmac, randomUUID } from 'node:crypto';
import { createNotificationOutbox } from './notification-outbox.ts';
import type { EmuShop } from './shop-state.ts';
import { shopifyStateOf } from './shopify/shopify-state.ts';

interface PendingWebhook {
  shop: EmuShop;
  topic: string;
  body: string;
  webhookId: string;
  triggeredAt: string;
}

/**
 * Outbound webhooks, signed with the channel's scheme (Shopify: base64 HMAC-SHA256 of the raw body
 * with the app's client secret in X-Shopify-Hmac-Sha256), one POST per subscription of the topic.
 */
export function createWebhookDispatcher(options: { batchMs?: number; timeoutMs?: number; apiVersion?: string } = {}) {
  const outbox = createNotificationOutbox<PendingWebhook>({
    batchMs: options.batchMs,
    timeoutMs: options.timeoutMs ?? 5000,
    deliveries: (item) => {
      const secret = shopifyStateOf(item.shop).clientSecret;
      const headers = {
        'x-shopify-topic': item.topic,
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(item.body).digest('base64'),
        'x-shopify-shop-domain': item.shop.shop,
        'x-shopify-webhook-id': item.webhookId,
        'x-shopify-event-id': item.webhookId,
        'x-shopify-triggered-at': item.triggeredAt,
        'x-shopify-api-version': options.apiVersion ?? '2025-01',
      };
      return item.shop.webhooks.filter((w) => w.topic === item.topic).map((target) => ({ url: target.callbackUrl, headers, body: item.body }));
    },
  });

  return {
    enqueue(shop: EmuShop, topic: string, payload: unknown, now: Date): void {
      if (!shop.webhooks.some((w) => w.topic === topic)) return;
      outbox.push({ shop, topic, body: JSON.stringify(payload), webhookId: randomUUID(), triggeredAt: now.toISOString() });
    },
    drain: outbox.drain,
    stop: outbox.stop,
  };
}

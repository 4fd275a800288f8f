import { createHmac, randomUUID } from 'node:crypto';
import type { EmuShop } from './shop-state.ts';
import { shopifyStateOf } from './shopify/shopify-state.ts';

export interface PendingWebhook {
  shop: EmuShop;
  topic: string;
  body: string;
  webhookId: string;
  triggeredAt: string;
}

/**
 * Outbound webhooks, signed with the channel's scheme (Shopify: base64 HMAC-SHA256 of the raw body
 * with the app's client secret in X-Shopify-Hmac-Sha256). Events are batched for a few ms; the
 * duplicate and out-of-order faults act on those batches. Failed deliveries are retried 3 times.
 */
export function createWebhookDispatcher(options: { batchMs?: number; timeoutMs?: number; apiVersion?: string } = {}) {
  const pending: PendingWebhook[] = [];
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;

  async function deliver(item: PendingWebhook): Promise<void> {
    const targets = item.shop.webhooks.filter((w) => w.topic === item.topic);
    for (const target of targets) {
      const secret = shopifyStateOf(item.shop).clientSecret;
      const headers = {
        'content-type': 'application/json',
        'x-shopify-topic': item.topic,
        'x-shopify-hmac-sha256': createHmac('sha256', secret).update(item.body).digest('base64'),
        'x-shopify-shop-domain': item.shop.shop,
        'x-shopify-webhook-id': item.webhookId,
        'x-shopify-event-id': item.webhookId,
        'x-shopify-triggered-at': item.triggeredAt,
        'x-shopify-api-version': options.apiVersion ?? '2025-01',
      };
      for (let attempt = 1; attempt <= 3; attempt++) {
        try {
          const response = await fetch(target.callbackUrl, {
            method: 'POST',
            headers,
            body: item.body,
            signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
          });
          await response.arrayBuffer();
          if (response.ok) {
            item.shop.stats.webhooksSent++;
            break;
          }
        } catch {}
        item.shop.stats.webhookFailures++;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending.splice(0);
    const byShop = new Map<EmuShop, PendingWebhook[]>();
    for (const item of batch) byShop.set(item.shop, [...(byShop.get(item.shop) ?? []), item]);
    const work: PendingWebhook[] = [];
    for (const [shop, items] of byShop) {
      const ordered = shop.faults.outOfOrderWebhooks ? items.reverse() : items;
      for (const item of ordered) {
        work.push(item);
        if (shop.faults.duplicateWebhookRate > 0 && shop.random.chance(shop.faults.duplicateWebhookRate)) work.push(item);
      }
    }
    const run = (async () => {
      for (const item of work) await deliver(item);
    })();
    inFlight.add(run);
    return run.finally(() => inFlight.delete(run));
  }

  return {
    enqueue(shop: EmuShop, topic: string, payload: unknown, now: Date): void {
      if (!shop.webhooks.some((w) => w.topic === topic)) return;
      pending.push({ shop, topic, body: JSON.stringify(payload), webhookId: randomUUID(), triggeredAt: now.toISOString() });
      timer ??= setTimeout(() => void flush(), options.batchMs ?? 20);
    },
    /** Delivers everything queued now and waits for all deliveries in flight. */
    async drain(): Promise<void> {
      await flush();
      await Promise.all([...inFlight]);
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = null;
      pending.length = 0;
    },
  };
}

import { randomUUID } from 'node:crypto';
import type { EmuShop } from '../shop-state.ts';
import { mlStateOf } from './ml-state.ts';

interface PendingNotification {
  shop: EmuShop;
  id: string;
  topic: string;
  resource: string;
  received: string;
}

/**
 * Mercado Livre notifications: unsigned `POST`s of `{ _id, resource, user_id, topic, application_id,
 * attempts, sent, received }` to the application's callback URL (one URL per application, configured
 * in ML's DevCenter; here `notificationsUrl` of the shop). ML expects a 200 within 500 ms and retries
 * otherwise, raising `attempts`. Batched for a few ms so the duplicate and out-of-order faults apply.
 */
export function createMlNotifier(options: { batchMs?: number; timeoutMs?: number } = {}) {
  const pending: PendingNotification[] = [];
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;

  async function deliver(item: PendingNotification): Promise<void> {
    const state = mlStateOf(item.shop);
    if (!state.notificationsUrl) return;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const body = JSON.stringify({
        _id: item.id,
        resource: item.resource,
        user_id: state.userId,
        topic: item.topic,
        application_id: Number(state.clientId),
        attempts: attempt,
        sent: new Date().toISOString(),
        received: item.received,
      });
      try {
        const response = await fetch(state.notificationsUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
        await response.arrayBuffer();
        if (response.ok) {
          item.shop.stats.webhooksSent++;
          return;
        }
      } catch {}
      item.shop.stats.webhookFailures++;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending.splice(0);
    const byShop = new Map<EmuShop, PendingNotification[]>();
    for (const item of batch) byShop.set(item.shop, [...(byShop.get(item.shop) ?? []), item]);
    const work: PendingNotification[] = [];
    for (const [shop, items] of byShop) {
      for (const item of shop.faults.outOfOrderWebhooks ? items.reverse() : items) {
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
    enqueue(shop: EmuShop, topic: string, resource: string, now: Date): void {
      if (!mlStateOf(shop).notificationsUrl) return;
      pending.push({ shop, id: randomUUID(), topic, resource, received: now.toISOString() });
      timer ??= setTimeout(() => void flush(), options.batchMs ?? 20);
    },
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

export type MlNotifier = ReturnType<typeof createMlNotifier>;

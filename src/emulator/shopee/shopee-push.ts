import { createHmac } from 'node:crypto';
import type { EmuShop } from '../shop-state.ts';
import { type ShopeeState, shopeeStateOf } from './shopee-state.ts';

interface PendingPush {
  shop: EmuShop;
  body: string;
  message: { shop_id: number; code: number; timestamp: number; data: unknown };
}

/**
 * Shopee push notifications: POST to the partner app's push URL with `Authorization` = hex
 * HMAC-SHA256(partner_key, url + "|" + body). Batched for a few ms; the duplicate and out-of-order faults act
 * on the batch. A push that is not answered 2xx after 3 attempts goes to the lost-push store, where
 * get_lost_push_message finds it.
 */
export function createShopeePusher(options: { batchMs?: number; timeoutMs?: number } = {}) {
  const pending: PendingPush[] = [];
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;

  function lose(state: ShopeeState, item: PendingPush) {
    state.lastLostPushId++;
    state.lostPushes.push({ id: state.lastLostPushId, ...item.message, data: JSON.stringify(item.message.data) });
  }

  async function deliver(item: PendingPush): Promise<void> {
    const state = shopeeStateOf(item.shop);
    if (!state.pushUrl) return lose(state, item);
    const authorization = createHmac('sha256', state.partnerKey).update(`${state.pushUrl}|${item.body}`).digest('hex');
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const response = await fetch(state.pushUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: item.body,
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
    lose(state, item);
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = null;
    const batch = pending.splice(0);
    const work: PendingPush[] = [];
    const shops = [...new Set(batch.map((b) => b.shop))];
    for (const shop of shops) {
      const items = batch.filter((b) => b.shop === shop);
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
    /** Queues one push (code 3 order_status_push, 8 reserved_stock_change_push, …) for the shop. */
    enqueue(shop: EmuShop, code: number, data: unknown, now: Date): void {
      const state = shopeeStateOf(shop);
      const message = { shop_id: state.shopId, code, timestamp: Math.floor(now.getTime() / 1000), data };
      pending.push({ shop, body: JSON.stringify(message), message });
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

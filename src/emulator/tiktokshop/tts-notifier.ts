import { randomInt } from 'node:crypto';
import { hmacSha256 } from '../../lib/crypto.ts';
import type { EmuShop } from '../shop-state.ts';
import { ttsStateOf } from './tts-state.ts';

interface Pending {
  shop: EmuShop;
  eventType: string;
  body: string;
}

const typeNumbers: Record<string, number> = { ORDER_STATUS_CHANGE: 1, PRODUCT_STATUS_CHANGE: 5 };

/**
 * TikTok Shop webhooks: `POST` of `{ type, tts_notification_id, shop_id, timestamp, data }` to the address the
 * shop subscribed for that event type, signed in `Authorization` with hex HMAC-SHA256(app_secret, app_key + body).
 * TikTok expects a 2xx within 3 s and retries otherwise. Batched for a few ms so that the duplicate and
 * out-of-order faults can act (a duplicate keeps its tts_notification_id).
 */
export function createTtsNotifier(options: { batchMs?: number; timeoutMs?: number } = {}) {
  const pending: Pending[] = [];
  const inFlight = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;

  async function deliver(item: Pending): Promise<void> {
    const state = ttsStateOf(item.shop);
    const address = state.webhooks.get(item.eventType);
    if (!address) return;
    const authorization = hmacSha256(state.appSecret, state.appKey + item.body).toString('hex');
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const response = await fetch(address, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: item.body,
          signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
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
    const work: Pending[] = [];
    for (const [shop, items] of Map.groupBy(pending.splice(0), (item) => item.shop)) {
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
    enqueue(shop: EmuShop, eventType: string, data: Record<string, unknown>, now: Date): void {
      const state = ttsStateOf(shop);
      if (!state.webhooks.has(eventType)) return;
      const body = JSON.stringify({
        type: typeNumbers[eventType] ?? 0,
        tts_notification_id: `73${String(randomInt(1e9)).padStart(9, '0')}${String(randomInt(1e8)).padStart(8, '0')}`,
        shop_id: state.shopId,
        timestamp: Math.floor(now.getTime() / 1000),
        data,
      });
      pending.push({ shop, eventType, body });
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

export type TtsNotifier = ReturnType<typeof createTtsNotifier>;

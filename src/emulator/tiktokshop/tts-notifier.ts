import { randomInt } from 'node:crypto';
import { hmacSha256 } from '../../lib/crypto.ts';
import { createNotificationOutbox } from '../notification-outbox.ts';
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
 * TikTok expects a 2xx within 3 s and retries otherwise (a duplicate keeps its tts_notification_id).
 */
export function createTtsNotifier(options: { batchMs?: number; timeoutMs?: number } = {}) {
  const outbox = createNotificationOutbox<Pending>({
    batchMs: options.batchMs,
    timeoutMs: options.timeoutMs ?? 3000,
    deliveries: (item) => {
      const state = ttsStateOf(item.shop);
      const address = state.webhooks.get(item.eventType);
      if (!address) return [];
      const authorization = hmacSha256(state.appSecret, state.appKey + item.body).toString('hex');
      return [{ url: address, headers: { authorization }, body: item.body }];
    },
  });

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
      outbox.push({ shop, eventType, body });
    },
    drain: outbox.drain,
    stop: outbox.stop,
  };
}

export type TtsNotifier = ReturnType<typeof createTtsNotifier>;

import { createHmac } from 'node:crypto';
import { createNotificationOutbox } from '../notification-outbox.ts';
import type { EmuShop } from '../shop-state.ts';
import { type ShopeeState, shopeeStateOf } from './shopee-state.ts';

interface PendingPush {
  shop: EmuShop;
  body: string;
  message: { shop_id: number; code: number; timestamp: number; data: unknown };
}

function lose(state: ShopeeState, item: PendingPush) {
  state.lastLostPushId++;
  state.lostPushes.push({ id: state.lastLostPushId, ...item.message, data: JSON.stringify(item.message.data) });
}

/**
 * Shopee push notifications: POST to the partner app's push URL with `Authorization` = hex
 * HMAC-SHA256(partner_key, url + "|" + body). A push that is not answered 2xx after 3 attempts (or that has
 * no push URL to go to) goes to the lost-push store, where get_lost_push_message finds it.
 */
export function createShopeePusher(options: { batchMs?: number; timeoutMs?: number } = {}) {
  const outbox = createNotificationOutbox<PendingPush>({
    batchMs: options.batchMs,
    timeoutMs: options.timeoutMs ?? 5000,
    deliveries: (item) => {
      const state = shopeeStateOf(item.shop);
      if (!state.pushUrl) {
        lose(state, item);
        return [];
      }
      const authorization = createHmac('sha256', state.partnerKey).update(`${state.pushUrl}|${item.body}`).digest('hex');
      return [{ url: state.pushUrl, headers: { authorization }, body: item.body }];
    },
    onUndelivered: (item) => lose(shopeeStateOf(item.shop), item),
  });

  return {
    /** Queues one push (code 3 order_status_push, 8 reserved_stock_change_push, …) for the shop. */
    enqueue(shop: EmuShop, code: number, data: unknown, now: Date): void {
      const state = shopeeStateOf(shop);
      const message = { shop_id: state.shopId, code, timestamp: Math.floor(now.getTime() / 1000), data };
      outbox.push({ shop, body: JSON.stringify(message), message });
    },
    drain: outbox.drain,
    stop: outbox.stop,
  };
}

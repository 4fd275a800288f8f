import { randomUUID } from 'node:crypto';
import { createNotificationOutbox } from '../notification-outbox.ts';
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
 * otherwise, raising `attempts`.
 */
export function createMlNotifier(options: { batchMs?: number; timeoutMs?: number } = {}) {
  const outbox = createNotificationOutbox<PendingNotification>({
    batchMs: options.batchMs,
    timeoutMs: options.timeoutMs ?? 5000,
    deliveries: (item) => {
      const state = mlStateOf(item.shop);
      if (!state.notificationsUrl) return [];
      const body = (attempt: number) =>
        JSON.stringify({
          _id: item.id,
          resource: item.resource,
          user_id: state.userId,
          topic: item.topic,
          application_id: Number(state.clientId),
          attempts: attempt,
          sent: new Date().toISOString(),
          received: item.received,
        });
      return [{ url: state.notificationsUrl, headers: {}, body }];
    },
  });

  return {
    enqueue(shop: EmuShop, topic: string, resource: string, now: Date): void {
      if (!mlStateOf(shop).notificationsUrl) return;
      outbox.push({ shop, id: randomUUID(), topic, resource, received: now.toISOString() });
    },
    drain: outbox.drain,
    stop: outbox.stop,
  };
}

export type MlNotifier = ReturnType<typeof createMlNotifier>;

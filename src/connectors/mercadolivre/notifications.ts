import { z } from 'zod';
import type { Order, Product } from '../../contracts/connectors.ts';
import type { ConnectorClient, NotificationScheme, VerifiedWebhook } from '../sdk/define-connector.ts';

/**
 * Mercado Livre notifications are UNSIGNED `POST`s to the application's callback URL:
 * `{ _id, resource, user_id, topic, application_id, attempts, sent, received }`. Anyone can forge one,
 * so a notification is only a hint: Nexo checks it names our application and a connected seller,
 * then re-fetches `resource` with that store's own token and trusts only what the API answers.
 * ML wants a 200 within 500 ms (else it retries, raising `attempts`), so answer first, work later.
 */
export const mlNotificationTopics = [
  'items',
  'orders_v2',
  'questions',
  'messages',
  'payments',
  'shipments',
  'items_prices',
  'stock-locations',
  'claims',
  'orders_feedback',
] as const;

export const mlNotificationSchema = z.object({
  _id: z.string().optional(),
  resource: z.string().min(1).max(500),
  user_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  topic: z.string().min(1).max(100),
  application_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).transform(String),
  attempts: z.number().int().min(0).default(1),
  sent: z.string(),
  received: z.string(),
});

export type MlNotificationHint =
  | { kind: 'item'; itemId: string }
  | { kind: 'order'; orderId: string }
  | { kind: 'question'; questionId: string }
  | { kind: 'other'; resource: string };

export interface MlNotification {
  topic: string;
  resource: string;
  userId: string;
  applicationId: string;
  attempts: number;
  sent: string;
  received: string;
  /** Deduplication key: ML's `_id` when present, else topic + resource + received (retries keep them). */
  eventId: string;
  hint: MlNotificationHint;
}

function hintOf(topic: string, resource: string): MlNotificationHint {
  const item = /^\/items\/(M[A-Z]{2}\d+)(?:\/.*)?$/.exec(resource);
  if ((topic === 'items' || topic === 'items_prices') && item) return { kind: 'item', itemId: item[1] as string };
  const order = /^\/orders\/(\d+)$/.exec(resource);
  if ((topic === 'orders_v2' || topic === 'orders') && order) return { kind: 'order', orderId: order[1] as string };
  const question = /^\/questions\/(\d+)$/.exec(resource);
  if (topic === 'questions' && question) return { kind: 'question', questionId: question[1] as string };
  return { kind: 'other', resource };
}

/** Parses the raw body; null for anything that is not a well-formed ML notification (answer 400, never 500). */
export function parseMlNotification(rawBody: string | Buffer): MlNotification | null {
  let json: unknown;
  try {
    json = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch {
    return null;
  }
  const parsed = mlNotificationSchema.safeParse(json);
  if (!parsed.success) return null;
  const n = parsed.data;
  return {
    topic: n.topic,
    resource: n.resource,
    userId: n.user_id,
    applicationId: n.application_id,
    attempts: n.attempts,
    sent: n.sent,
    received: n.received,
    eventId: n._id ?? `${n.topic}:${n.resource}:${n.received}`,
    hint: hintOf(n.topic, n.resource),
  };
}

/** A notification only counts for our application and the seller of the store it is routed to. */
export const isForStore = (notification: MlNotification, store: { userId: string; applicationId: string }) =>
  notification.userId === store.userId && notification.applicationId === store.applicationId;

export type MlNotificationResolution =
  | { kind: 'product'; channelId: string; product: Product | null }
  | { kind: 'order'; channelId: string; order: Order | null }
  | { kind: 'ignored'; reason: string };

/**
 * Treats the notification as a hint: re-reads the resource with the store's own client (a deleted item
 * or unknown order resolves to null, so a forged hint changes nothing).
 */
export async function resolveMlNotification(client: ConnectorClient, notification: MlNotification): Promise<MlNotificationResolution> {
  const { hint } = notification;
  if (hint.kind === 'item' && client.getProduct) return { kind: 'product', channelId: hint.itemId, product: await client.getProduct(hint.itemId) };
  if (hint.kind === 'order' && client.getOrder) return { kind: 'order', channelId: hint.orderId, order: await client.getOrder(hint.orderId) };
  return { kind: 'ignored', reason: `topic ${notification.topic} (${notification.resource}) is not synced` };
}

const resourceOf = (hint: MlNotificationHint): VerifiedWebhook['resource'] =>
  hint.kind === 'item'
    ? { type: 'product', id: hint.itemId }
    : hint.kind === 'order'
      ? { type: 'order', id: hint.orderId }
      : { type: 'other', id: hint.kind === 'question' ? hint.questionId : null };

/** The connector's notification scheme: the seller (`user_id`) is the store's account, the item or order the resource. */
export const mlNotificationScheme: NotificationScheme = {
  parse(rawBody) {
    const n = parseMlNotification(rawBody);
    return n && { eventId: n.eventId, topic: n.topic, accountId: n.userId, applicationId: n.applicationId, resource: resourceOf(n.hint) };
  },
};

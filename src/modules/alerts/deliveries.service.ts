import { and, desc, eq, inArray } from 'drizzle-orm';
import type { NotificationDelivery } from '../../contracts/alerts.ts';
import type { Db, Tx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { AlertMessage } from './alert-messages.ts';
import { notificationChannels, notificationDeliveries } from './alerts.tables.ts';
import { type NotifyDeps, openChannelSecret, sendToChannel } from './channel-senders.ts';
import { getChannelRow } from './channels.service.ts';
import { toDelivery } from './delivery-mapping.ts';

/** Enqueues the delivery job inside the caller's transaction (built by main/: the module does not know the queue). */
export type DeliveryEnqueuer = (tx: Tx, job: { orgId: string; deliveryId: string }) => Promise<unknown>;

/** One queued delivery (and its job) per enabled channel among `channelIds`, in the caller's transaction. */
export async function enqueueDeliveries(
  tx: Tx,
  enqueue: DeliveryEnqueuer,
  orgId: string,
  channelIds: string[],
  message: AlertMessage,
  now: Date,
): Promise<string[]> {
  if (channelIds.length === 0) return [];
  const channels = await tx
    .select({ id: notificationChannels.id })
    .from(notificationChannels)
    .where(and(eq(notificationChannels.orgId, orgId), inArray(notificationChannels.id, channelIds), eq(notificationChannels.enabled, true)));
  const ids: string[] = [];
  for (const channel of channels) {
    const id = uuidv7(now.getTime());
    await tx.insert(notificationDeliveries).values({
      id,
      orgId,
      channelId: channel.id,
      alertId: message.alertId,
      event: message.event,
      payload: message as unknown as Record<string, unknown>,
      createdAt: now,
    });
    await enqueue(tx, { orgId, deliveryId: id });
    ids.push(id);
  }
  return ids;
}

export interface DeliverOutcome {
  status: 'delivered' | 'retrying' | 'failed' | 'skipped';
  error?: string | null;
}

/**
 * One attempt of a queued delivery (the notifications.deliver job). Idempotent: a delivered or failed delivery is
 * left alone. `retry: true` in the outcome means the job should throw so the queue retries it with backoff.
 */
export async function attemptDelivery(
  db: Db,
  deps: NotifyDeps,
  input: { orgId: string; deliveryId: string; attempt: number; lastAttempt: boolean; now?: Date },
): Promise<DeliverOutcome> {
  const [delivery] = await db
    .select()
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.orgId, input.orgId), eq(notificationDeliveries.id, input.deliveryId)));
  if (!delivery || delivery.status === 'delivered' || delivery.status === 'failed') return { status: 'skipped' };
  const channel = await getChannelRow(db, input.orgId, delivery.channelId);
  const now = input.now ?? new Date();
  const finish = async (status: 'delivered' | 'retrying' | 'failed', responseCode: number | null, error: string | null) => {
    await db
      .update(notificationDeliveries)
      .set({ status, attempts: input.attempt, responseCode, error, lastAttemptAt: now, ...(status === 'delivered' ? { deliveredAt: now } : {}) })
      .where(and(eq(notificationDeliveries.id, delivery.id), inArray(notificationDeliveries.status, ['queued', 'retrying'])));
    return { status, error };
  };
  if (!channel?.enabled) return finish('failed', null, 'The channel is disabled or was deleted');
  const result = await sendToChannel(
    deps,
    { ...channel, type: channel.type as 'slack' | 'email' | 'webhook', secret: openChannelSecret(deps, channel.orgId, channel.id, channel.secretEncrypted) },
    delivery.payload as unknown as AlertMessage,
    delivery.id,
    now,
  );
  if (result.ok) return finish('delivered', result.responseCode, null);
  return finish(result.permanent || input.lastAttempt ? 'failed' : 'retrying', result.responseCode, result.error);
}

export async function listDeliveries(ctx: Ctx, channelId: string, limit = 50): Promise<NotificationDelivery[]> {
  await getChannelRow(ctx.db, ctx.orgId, channelId, true);
  const rows = await ctx.db
    .select()
    .from(notificationDeliveries)
    .where(and(eq(notificationDeliveries.orgId, ctx.orgId), eq(notificationDeliveries.channelId, channelId)))
    .orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id))
    .limit(limit);
  return rows.map(toDelivery);
}

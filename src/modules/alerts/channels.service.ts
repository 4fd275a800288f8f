import { and, asc, eq, sql } from 'drizzle-orm';
import type { z } from 'zod';
import {
  type ChannelType,
  type CreateChannelRequest,
  emailConfigSchema,
  type NotificationChannel,
  type NotificationDelivery,
  slackConfigSchema,
  type updateChannelRequestSchema,
  webhookConfigSchema,
} from '../../contracts/alerts.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { checkOutboundUrl } from '../../lib/outbound-http.ts';
import { newSigningSecret } from '../../lib/standard-webhooks.ts';
import { recordAudit } from '../tenancy/index.ts';
import { testMessage } from './alert-messages.ts';
import { alertRules, notificationChannels, notificationDeliveries } from './alerts.tables.ts';
import { type ChannelSecret, type NotifyDeps, openChannelSecret, type SendResult, sealChannelSecret, sendToChannel } from './channel-senders.ts';
import { toDelivery } from './delivery-mapping.ts';

type ChannelRow = typeof notificationChannels.$inferSelect;

const targetOf = (row: Pick<ChannelRow, 'type' | 'config'>): string => {
  if (row.type === 'email') return ((row.config.to as string[] | undefined) ?? []).join(', ');
  if (row.type === 'slack') return `${String(row.config.origin ?? '')}/…`;
  return String(row.config.url ?? '');
};

export const toChannel = (row: ChannelRow): NotificationChannel => ({
  id: row.id,
  type: row.type as ChannelType,
  name: row.name,
  enabled: row.enabled,
  target: targetOf(row),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export async function getChannelRow(db: DbOrTx, orgId: string, channelId: string, required = false): Promise<ChannelRow | null> {
  const [row] = await db
    .select()
    .from(notificationChannels)
    .where(and(eq(notificationChannels.orgId, orgId), eq(notificationChannels.id, channelId)));
  if (!row && required) throw notFound('Notification channel');
  return row ?? null;
}

export async function listChannels(ctx: Ctx): Promise<NotificationChannel[]> {
  const rows = await ctx.db.select().from(notificationChannels).where(eq(notificationChannels.orgId, ctx.orgId)).orderBy(asc(notificationChannels.createdAt));
  return rows.map(toChannel);
}

export async function getChannel(ctx: Ctx, channelId: string): Promise<NotificationChannel> {
  return toChannel((await getChannelRow(ctx.db, ctx.orgId, channelId, true)) as ChannelRow);
}

/** Splits validated input into what is shown (config) and what is sealed (secret). */
function splitConfig(deps: NotifyDeps, type: ChannelType, raw: unknown, previous: ChannelSecret): { config: Record<string, unknown>; secret: ChannelSecret } {
  if (type === 'slack') {
    const { url } = parse(slackConfigSchema, raw);
    const parsed = checkOutboundUrl(url, { allowPrivate: deps.allowPrivateTargets });
    return { config: { origin: parsed.origin }, secret: { url } };
  }
  if (type === 'webhook') {
    const { url } = parse(webhookConfigSchema, raw);
    checkOutboundUrl(url, { allowPrivate: deps.allowPrivateTargets });
    return { config: { url }, secret: { signingSecret: previous.signingSecret ?? newSigningSecret() } };
  }
  const { to, smtpUrl } = parse(emailConfigSchema, raw);
  if (!smtpUrl && !deps.mail.smtpUrl) throw new AppError('VALIDATION', 'No SMTP server: give the channel an smtpUrl or set SMTP_URL on the server');
  const host = smtpUrl ? new URL(smtpUrl).host : null;
  return { config: { to, smtpHost: host }, secret: smtpUrl ? { smtpUrl } : {} };
}

function parse<T>(schema: z.ZodType<T>, raw: unknown): T {
  const result = schema.safeParse(raw);
  if (!result.success) throw new AppError('VALIDATION', result.error.issues[0]?.message ?? 'Invalid channel configuration', { issues: result.error.issues });
  return result.data;
}

const refused = (result: SendResult) =>
  new AppError('VALIDATION', `The test message was not delivered, so the channel was not saved: ${result.error}`, {
    reason: 'test_failed',
    responseCode: result.responseCode,
  });

/** Creates a channel only after a test message goes through (400 with the reason otherwise). Webhooks get a signing secret, returned once. */
export async function createChannel(ctx: Ctx, deps: NotifyDeps, input: CreateChannelRequest): Promise<NotificationChannel & { signingSecret: string | null }> {
  const { config, secret } = splitConfig(deps, input.type, input.config, {});
  const id = uuidv7(ctx.now.getTime());
  const deliveryId = uuidv7(ctx.now.getTime());
  const message = testMessage(input.name);
  const result = await sendToChannel(deps, { id, orgId: ctx.orgId, type: input.type, config, secret }, message, deliveryId, ctx.now);
  if (!result.ok) throw refused(result);
  const row = await withTransaction(ctx.db, async (tx) => {
    const [created] = await tx
      .insert(notificationChannels)
      .values({
        id,
        orgId: ctx.orgId,
        type: input.type,
        name: input.name,
        config,
        secretEncrypted: sealChannelSecret(deps, ctx.orgId, id, secret),
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    await tx.insert(notificationDeliveries).values({
      id: deliveryId,
      orgId: ctx.orgId,
      channelId: id,
      event: 'test',
      payload: message as unknown as Record<string, unknown>,
      status: 'delivered',
      attempts: 1,
      responseCode: result.responseCode,
      createdAt: ctx.now,
      lastAttemptAt: ctx.now,
      deliveredAt: ctx.now,
    });
    await recordAudit(tx, ctx, {
      action: 'notification_channel.created',
      resourceType: 'notification_channel',
      resourceId: id,
      after: { type: input.type, name: input.name, config },
    });
    return created as ChannelRow;
  });
  return { ...toChannel(row), signingSecret: secret.signingSecret ?? null };
}

/** Renames, enables/disables, or changes the target (tested first, like at creation). The signing secret is kept. */
export async function updateChannel(
  ctx: Ctx,
  deps: NotifyDeps,
  channelId: string,
  patch: z.output<typeof updateChannelRequestSchema>,
): Promise<NotificationChannel> {
  const row = (await getChannelRow(ctx.db, ctx.orgId, channelId, true)) as ChannelRow;
  const type = row.type as ChannelType;
  let sealed = row.secretEncrypted;
  let config = row.config;
  if (patch.config) {
    const split = splitConfig(deps, type, patch.config, openChannelSecret(deps, row.orgId, row.id, row.secretEncrypted));
    const result = await sendToChannel(deps, { id: row.id, orgId: row.orgId, type, ...split }, testMessage(patch.name ?? row.name), uuidv7(), ctx.now);
    if (!result.ok) throw refused(result);
    config = split.config;
    sealed = sealChannelSecret(deps, row.orgId, row.id, split.secret);
  }
  return withTransaction(ctx.db, async (tx) => {
    const [updated] = await tx
      .update(notificationChannels)
      .set({ name: patch.name ?? row.name, enabled: patch.enabled ?? row.enabled, config, secretEncrypted: sealed, updatedAt: ctx.now })
      .where(and(eq(notificationChannels.orgId, ctx.orgId), eq(notificationChannels.id, channelId)))
      .returning();
    await recordAudit(tx, ctx, {
      action: 'notification_channel.updated',
      resourceType: 'notification_channel',
      resourceId: channelId,
      before: { name: row.name, enabled: row.enabled, config: row.config },
      after: { name: updated?.name, enabled: updated?.enabled, config },
    });
    return toChannel(updated as ChannelRow);
  });
}

export async function deleteChannel(ctx: Ctx, channelId: string): Promise<void> {
  const row = (await getChannelRow(ctx.db, ctx.orgId, channelId, true)) as ChannelRow;
  await withTransaction(ctx.db, async (tx) => {
    await tx
      .update(alertRules)
      .set({ channels: sql`array_remove(${alertRules.channels}, ${channelId}::uuid)` })
      .where(eq(alertRules.orgId, ctx.orgId));
    await tx.delete(notificationChannels).where(and(eq(notificationChannels.orgId, ctx.orgId), eq(notificationChannels.id, channelId)));
    await recordAudit(tx, ctx, {
      action: 'notification_channel.deleted',
      resourceType: 'notification_channel',
      resourceId: channelId,
      before: { type: row.type, name: row.name, config: row.config },
    });
  });
}

/** "Send test": delivers a test message now and records it in the delivery log (whatever the outcome). */
export async function testChannel(ctx: Ctx, deps: NotifyDeps, channelId: string): Promise<NotificationDelivery> {
  const row = (await getChannelRow(ctx.db, ctx.orgId, channelId, true)) as ChannelRow;
  const id = uuidv7(ctx.now.getTime());
  const message = testMessage(row.name);
  const result = await sendToChannel(
    deps,
    {
      id: row.id,
      orgId: row.orgId,
      type: row.type as ChannelType,
      config: row.config,
      secret: openChannelSecret(deps, row.orgId, row.id, row.secretEncrypted),
    },
    message,
    id,
    ctx.now,
  );
  const [delivery] = await ctx.db
    .insert(notificationDeliveries)
    .values({
      id,
      orgId: ctx.orgId,
      channelId,
      event: 'test',
      payload: message as unknown as Record<string, unknown>,
      status: result.ok ? 'delivered' : 'failed',
      attempts: 1,
      responseCode: result.responseCode,
      error: result.error,
      createdAt: ctx.now,
      lastAttemptAt: ctx.now,
      ...(result.ok ? { deliveredAt: ctx.now } : {}),
    })
    .returning();
  return toDelivery(delivery as typeof notificationDeliveries.$inferSelect);
}

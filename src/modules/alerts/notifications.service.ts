import { and, count, desc, eq, inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { publishEvent } from '../../events/event-bus.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { notifications } from './alerts.tables.ts';

type NotificationRow = typeof notifications.$inferSelect;
const toNotification = (row: NotificationRow) => ({
  id: row.id,
  kind: row.kind,
  title: row.title,
  body: row.body,
  data: row.data,
  createdAt: row.createdAt.toISOString(),
  readAt: row.readAt?.toISOString() ?? null,
});

export interface NotificationDraft {
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

/**
 * One unread notification per recipient and kind: a new batch of the same kind updates it
 * (`merge` combines the data) instead of piling up one notification per item.
 */
export async function notifyUsers(
  db: DbOrTx,
  orgId: string,
  userIds: string[],
  now: Date,
  build: (previous: Record<string, unknown> | null) => NotificationDraft,
): Promise<void> {
  for (const userId of userIds) {
    const [unread] = await db
      .select()
      .from(notifications)
      .where(and(eq(notifications.orgId, orgId), eq(notifications.userId, userId), eq(notifications.kind, build(null).kind), isNull(notifications.readAt)))
      .orderBy(desc(notifications.createdAt))
      .limit(1)
      .for('update');
    const draft = build(unread?.data ?? null);
    if (unread) {
      await db.update(notifications).set({ title: draft.title, body: draft.body, data: draft.data, createdAt: now }).where(eq(notifications.id, unread.id));
    } else {
      await db.insert(notifications).values({ id: uuidv7(now.getTime()), orgId, userId, ...draft, createdAt: now });
    }
  }
  if (userIds.length > 0) await publishEvent(db, orgId, 'notification.created', { userIds });
}

export async function listNotifications(ctx: Ctx, userId: string) {
  const rows = await ctx.db
    .select()
    .from(notifications)
    .where(and(eq(notifications.orgId, ctx.orgId), eq(notifications.userId, userId)))
    .orderBy(desc(notifications.createdAt))
    .limit(50);
  const [unread] = await ctx.db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.orgId, ctx.orgId), eq(notifications.userId, userId), isNull(notifications.readAt)));
  return { notifications: rows.map(toNotification), unread: unread?.n ?? 0 };
}

export async function markNotificationsRead(ctx: Ctx, userId: string, input: { ids?: string[] | undefined; all?: boolean | undefined }): Promise<void> {
  const mine = and(eq(notifications.orgId, ctx.orgId), eq(notifications.userId, userId), isNull(notifications.readAt));
  if (input.all) await ctx.db.update(notifications).set({ readAt: ctx.now }).where(mine);
  else if (input.ids?.length)
    await ctx.db
      .update(notifications)
      .set({ readAt: ctx.now })
      .where(and(mine, inArray(notifications.id, input.ids)));
}

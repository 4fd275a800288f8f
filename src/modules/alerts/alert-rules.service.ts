import { and, asc, eq, inArray } from 'drizzle-orm';
import type { z } from 'zod';
import { type AlertRule, type AlertRuleKind, alertRuleKinds, type updateAlertRuleRequestSchema } from '../../contracts/alerts.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { recordAudit } from '../tenancy/index.ts';
import { alertRules, notificationChannels } from './alerts.tables.ts';

type RuleRow = typeof alertRules.$inferSelect;

export const toRule = (row: RuleRow): AlertRule => {
  const kind = row.kind as AlertRuleKind;
  return {
    id: row.id,
    kind,
    unit: alertRuleKinds[kind].unit,
    severity: alertRuleKinds[kind].severity,
    threshold: row.threshold,
    enabled: row.enabled,
    channels: row.channels,
    lastValue: row.lastValue,
    lastEvaluatedAt: row.lastEvaluatedAt?.toISOString() ?? null,
    updatedAt: row.updatedAt.toISOString(),
  };
};

const kindOrder = Object.keys(alertRuleKinds);

/** Every org has one rule per kind, created with the defaults the first time they are needed (idempotent). */
export async function ensureDefaultRules(db: DbOrTx, orgId: string, now: Date): Promise<void> {
  await db
    .insert(alertRules)
    .values(
      Object.entries(alertRuleKinds).map(([kind, meta]) => ({
        id: uuidv7(now.getTime()),
        orgId,
        kind,
        threshold: meta.threshold,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflictDoNothing({ target: [alertRules.orgId, alertRules.kind] });
}

export async function ruleRows(db: DbOrTx, orgId: string): Promise<RuleRow[]> {
  const rows = await db.select().from(alertRules).where(eq(alertRules.orgId, orgId)).orderBy(asc(alertRules.createdAt));
  return rows.sort((a, b) => kindOrder.indexOf(a.kind) - kindOrder.indexOf(b.kind));
}

export async function listAlertRules(ctx: Ctx): Promise<AlertRule[]> {
  await ensureDefaultRules(ctx.db, ctx.orgId, ctx.now);
  return (await ruleRows(ctx.db, ctx.orgId)).map(toRule);
}

export async function updateAlertRule(ctx: Ctx, ruleId: string, patch: z.output<typeof updateAlertRuleRequestSchema>): Promise<AlertRule> {
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .select()
      .from(alertRules)
      .where(and(eq(alertRules.orgId, ctx.orgId), eq(alertRules.id, ruleId)))
      .for('update');
    if (!row) throw notFound('Alert rule');
    const channels = patch.channels ? [...new Set(patch.channels)] : row.channels;
    if (patch.channels && channels.length > 0) {
      const known = await tx
        .select({ id: notificationChannels.id })
        .from(notificationChannels)
        .where(and(eq(notificationChannels.orgId, ctx.orgId), inArray(notificationChannels.id, channels)));
      const missing = channels.filter((id) => !known.some((k) => k.id === id));
      if (missing.length > 0) throw new AppError('VALIDATION', 'Unknown notification channel', { channels: missing });
    }
    const [updated] = await tx
      .update(alertRules)
      .set({ threshold: patch.threshold ?? row.threshold, enabled: patch.enabled ?? row.enabled, channels, updatedAt: ctx.now })
      .where(eq(alertRules.id, row.id))
      .returning();
    await recordAudit(tx, ctx, {
      action: 'alert_rule.updated',
      resourceType: 'alert_rule',
      resourceId: row.id,
      before: { threshold: row.threshold, enabled: row.enabled, channels: row.channels },
      after: { threshold: updated?.threshold, enabled: updated?.enabled, channels: updated?.channels },
    });
    return toRule(updated as RuleRow);
  });
}

import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { type Alert, type AlertRuleKind, type AlertStatus, alertRuleKinds, type alertsQuerySchema } from '../../contracts/alerts.ts';
import { type Db, type DbOrTx, selectRows } from '../../db/client.ts';
import { actorUserId, type Ctx, systemActor } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { publishEvent } from '../../events/event-bus.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { listOrgIds, memberIdsWithRoles, recordAudit } from '../tenancy/index.ts';
import { alertTitle, messageFor, recommendations } from './alert-messages.ts';
import { ensureDefaultRules, ruleRows } from './alert-rules.service.ts';
import { alertRules, alerts } from './alerts.tables.ts';
import { type DeliveryEnqueuer, enqueueDeliveries } from './deliveries.service.ts';
import { notifyUsers } from './notifications.service.ts';
import type { SignalProviders, SignalResult } from './signals.ts';

type AlertRow = typeof alerts.$inferSelect;
const active: AlertStatus[] = ['open', 'acknowledged'];

export const toAlert = (row: AlertRow): Alert => {
  const kind = row.kind as AlertRuleKind;
  return {
    id: row.id,
    ruleId: row.ruleId,
    kind,
    severity: alertRuleKinds[kind].severity,
    subject: row.subject,
    status: row.status as AlertStatus,
    title: alertTitle(kind, row.subject, row.value, row.threshold),
    value: row.value,
    threshold: row.threshold,
    recommendation: recommendations[kind],
    details: row.details,
    openedAt: row.openedAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
    acknowledgedAt: row.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: row.acknowledgedBy,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
  };
};

export async function listAlerts(ctx: Ctx, query: z.output<typeof alertsQuerySchema>): Promise<Alert[]> {
  const statuses = query.status === 'active' ? active : [query.status];
  const rows = await ctx.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.orgId, ctx.orgId), inArray(alerts.status, statuses)))
    .orderBy(desc(query.status === 'resolved' ? alerts.resolvedAt : alerts.openedAt), desc(alerts.id))
    .limit(query.limit);
  return rows.map(toAlert);
}

/** open -> acknowledged (someone is on it); the alert still resolves by itself. Anything else: 409 with the current status. */
export async function acknowledgeAlert(ctx: Ctx, alertId: string): Promise<Alert> {
  return withTransaction(ctx.db, async (tx) => {
    const [updated] = await tx
      .update(alerts)
      .set({ status: 'acknowledged', acknowledgedAt: ctx.now, acknowledgedBy: actorUserId(ctx.actor) })
      .where(and(eq(alerts.orgId, ctx.orgId), eq(alerts.id, alertId), eq(alerts.status, 'open')))
      .returning();
    if (!updated) {
      const [current] = await tx
        .select({ status: alerts.status })
        .from(alerts)
        .where(and(eq(alerts.orgId, ctx.orgId), eq(alerts.id, alertId)));
      if (!current) throw notFound('Alert');
      throw conflict(`The alert is ${current.status}; only open alerts can be acknowledged`, { status: current.status });
    }
    await recordAudit(tx, ctx, { action: 'alert.acknowledged', resourceType: 'alert', resourceId: alertId, after: { status: 'acknowledged' } });
    await publishEvent(tx, ctx.orgId, 'alert.acknowledged', { alertId });
    return toAlert(updated);
  });
}

export interface EvaluationSummary {
  rules: number;
  opened: number;
  resolved: number;
  noData: number;
}

/**
 * Evaluates every enabled rule of one org: asks its signal provider for the current readings, opens one alert per
 * breached subject (deduplicated by a partial unique index on active alerts), refreshes alerts still breached, and
 * resolves the ones whose condition cleared. Deliveries to the rule's channels are enqueued in the same transaction
 * as the alert opening or resolving. A disabled rule resolves its active alerts.
 */
export async function evaluateOrgAlerts(db: Db, orgId: string, now: Date, providers: SignalProviders, enqueue: DeliveryEnqueuer): Promise<EvaluationSummary> {
  await ensureDefaultRules(db, orgId, now);
  const summary: EvaluationSummary = { rules: 0, opened: 0, resolved: 0, noData: 0 };
  for (const rule of await ruleRows(db, orgId)) {
    const provider = providers[rule.kind as AlertRuleKind];
    let result: SignalResult = { status: 'no_data', reason: 'no provider' };
    if (rule.enabled && provider) result = await provider({ db, orgId, now, threshold: rule.threshold });
    else if (!rule.enabled) result = { status: 'ok', value: Number.NaN, readings: [] };
    summary.rules++;
    await withTransaction(db, async (tx) => {
      if (rule.enabled) {
        await tx
          .update(alertRules)
          .set({ lastValue: result.status === 'ok' ? result.value : null, lastEvaluatedAt: now })
          .where(eq(alertRules.id, rule.id));
      }
      if (result.status === 'no_data') {
        summary.noData++;
        return;
      }
      const breached = new Map(result.readings.filter((r) => r.breached).map((r) => [r.subject, r]));
      const current = await tx
        .select()
        .from(alerts)
        .where(and(eq(alerts.orgId, orgId), eq(alerts.ruleId, rule.id), inArray(alerts.status, active)))
        .for('update');
      for (const alert of current) {
        const reading = breached.get(alert.subject);
        if (reading) {
          await tx
            .update(alerts)
            .set({ lastSeenAt: now, value: reading.value, threshold: rule.threshold, details: reading.details ?? {} })
            .where(eq(alerts.id, alert.id));
          breached.delete(alert.subject);
          continue;
        }
        const [resolved] = await tx
          .update(alerts)
          .set({ status: 'resolved', resolvedAt: now })
          .where(and(eq(alerts.id, alert.id), inArray(alerts.status, active)))
          .returning();
        if (!resolved) continue;
        summary.resolved++;
        await recordAudit(
          tx,
          { orgId, actor: systemActor('alerts'), requestId: null, ip: null, now },
          {
            action: 'alert.resolved',
            resourceType: 'alert',
            resourceId: resolved.id,
            after: { kind: resolved.kind, subject: resolved.subject },
          },
        );
        await enqueueDeliveries(tx, enqueue, orgId, rule.channels, messageFor('alert.resolved', resolved), now);
        await publishEvent(tx, orgId, 'alert.resolved', { alertId: resolved.id, kind: resolved.kind });
      }
      for (const reading of breached.values()) {
        const [opened] = await tx
          .insert(alerts)
          .values({
            id: uuidv7(now.getTime()),
            orgId,
            ruleId: rule.id,
            kind: rule.kind,
            subject: reading.subject,
            status: 'open',
            value: reading.value,
            threshold: rule.threshold,
            details: reading.details ?? {},
            openedAt: now,
            lastSeenAt: now,
          })
          .onConflictDoNothing({ target: [alerts.orgId, alerts.ruleId, alerts.subject], where: sql`status in ('open', 'acknowledged')` })
          .returning();
        if (!opened) continue;
        summary.opened++;
        await recordAudit(
          tx,
          { orgId, actor: systemActor('alerts'), requestId: null, ip: null, now },
          {
            action: 'alert.opened',
            resourceType: 'alert',
            resourceId: opened.id,
            after: { kind: opened.kind, subject: opened.subject, value: opened.value, threshold: opened.threshold },
          },
        );
        const message = messageFor('alert.opened', opened);
        await enqueueDeliveries(tx, enqueue, orgId, rule.channels, message, now);
        await publishEvent(tx, orgId, 'alert.opened', { alertId: opened.id, kind: opened.kind });
        // The bell of those who can act on it: one unread notification per rule kind (a newer alert of the kind replaces it).
        const people = await memberIdsWithRoles(tx, orgId, ['owner', 'admin', 'operator']);
        await notifyUsers(tx, orgId, people, now, () => ({
          kind: `alert.${opened.kind}`,
          title: message.title,
          body: message.recommendation,
          data: { alertId: opened.id, kind: opened.kind, subject: opened.subject },
        }));
      }
    });
  }
  return summary;
}

/** Active alerts by kind and severity, all orgs (the nexo_alerts_open gauge). */
export async function openAlertCounts(db: DbOrTx): Promise<Array<{ kind: string; status: string; count: number }>> {
  const rows = await selectRows<{ kind: string; status: string; n: string }>(
    db,
    sql`select kind, status, count(*) as n from alerts where status in ('open', 'acknowledged') group by kind, status`,
  );
  return rows.map((r) => ({ kind: r.kind, status: r.status, count: Number(r.n) }));
}

/** The alerts.evaluate job: every org (or just `onlyOrgId`), one after the other; one org's failure does not stop the others. */
export async function evaluateAllOrgs(
  db: Db,
  now: Date,
  providers: SignalProviders,
  enqueue: DeliveryEnqueuer,
  onError: (orgId: string, error: unknown) => void,
  onlyOrgId?: string,
): Promise<EvaluationSummary & { orgs: number; failed: number }> {
  const total = { rules: 0, opened: 0, resolved: 0, noData: 0, orgs: 0, failed: 0 };
  const orgIds = await listOrgIds(db);
  for (const orgId of onlyOrgId ? orgIds.filter((id) => id === onlyOrgId) : orgIds) {
    total.orgs++;
    try {
      const s = await evaluateOrgAlerts(db, orgId, now, providers, enqueue);
      total.rules += s.rules;
      total.opened += s.opened;
      total.resolved += s.resolved;
      total.noData += s.noData;
    } catch (error) {
      total.failed++;
      onError(orgId, error);
    }
  }
  return total;
}

/** Open and acknowledged alerts of one org, newest first (the Health page). */
export async function activeAlertsOf(db: DbOrTx, orgId: string, limit = 50): Promise<Alert[]> {
  const rows = await db
    .select()
    .from(alerts)
    .where(and(eq(alerts.orgId, orgId), inArray(alerts.status, active)))
    .orderBy(desc(alerts.openedAt), desc(alerts.id))
    .limit(limit);
  return rows.map(toAlert);
}

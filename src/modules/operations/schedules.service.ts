import { and, eq } from 'drizzle-orm';
import { orgScheduleCatalog } from '../../contracts/jobs.ts';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notFound, validation } from '../../lib/errors.ts';
import { listOrgTimeZones, orgSettings, recordAudit } from '../tenancy/index.ts';
import { jobSchedules } from './operations.tables.ts';

/** What schedules need from the job engine (main/ passes the queue). */
export interface SchedulerPort {
  schedule(name: string, cron: string, payload: Record<string, never>, opts: { tz: string; key: string; orgId: string }): Promise<void>;
  unschedule(name: string, key: string): Promise<void>;
  /** Next occurrences; throws on an expression the engine would not accept. */
  validateCron(cron: string, tz: string): Date[];
}

type Row = typeof jobSchedules.$inferSelect;

function effective(name: string, row: Row | undefined) {
  const def = orgScheduleCatalog[name];
  if (!def) throw notFound('Schedule');
  return { def, cron: row?.cron ?? def.defaultCron, enabled: row?.enabled ?? def.enabledByDefault };
}

/** 5 fields (minute hour day-of-month month day-of-week) accepted by the engine; per-second expressions are refused. */
export function assertCron(scheduler: SchedulerPort, cron: string, timeZone: string): Date[] {
  if (cron.trim().split(/\s+/).length !== 5) {
    throw validation(`Invalid cron expression "${cron}": expected 5 fields (minute hour day-of-month month day-of-week), e.g. "0 7 * * *"`, { cron });
  }
  try {
    return scheduler.validateCron(cron, timeZone);
  } catch (error) {
    throw validation(`Invalid cron expression "${cron}": ${error instanceof Error ? error.message : String(error)}`, { cron });
  }
}

const view = (scheduler: SchedulerPort, name: string, row: Row | undefined, timeZone: string) => {
  const { def, cron, enabled } = effective(name, row);
  let nextRuns: string[] = [];
  if (enabled) {
    try {
      nextRuns = scheduler.validateCron(cron, timeZone).map((d) => d.toISOString());
    } catch {
      nextRuns = [];
    }
  }
  return {
    name,
    description: def.description,
    cron,
    defaultCron: def.defaultCron,
    enabled,
    timeZone,
    nextRuns,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
};

/** The cron an org's schedule runs on (its own, or the catalog's default). */
export async function scheduleCron(db: Db, orgId: string, name: string): Promise<string> {
  const [row] = await db
    .select()
    .from(jobSchedules)
    .where(and(eq(jobSchedules.orgId, orgId), eq(jobSchedules.name, name)));
  return effective(name, row).cron;
}

export async function listSchedules(ctx: Ctx, scheduler: SchedulerPort) {
  const { timeZone } = await orgSettings(ctx.db, ctx.orgId);
  const rows = await ctx.db.select().from(jobSchedules).where(eq(jobSchedules.orgId, ctx.orgId));
  const byName = new Map(rows.map((r) => [r.name, r]));
  return Object.keys(orgScheduleCatalog).map((name) => view(scheduler, name, byName.get(name), timeZone));
}

/** Changes one of the org's schedules (cron and/or enabled), audited, and applies it to the engine at once. */
export async function updateSchedule(ctx: Ctx, scheduler: SchedulerPort, name: string, patch: { cron?: string | undefined; enabled?: boolean | undefined }) {
  if (!orgScheduleCatalog[name]) throw notFound('Schedule');
  const { timeZone } = await orgSettings(ctx.db, ctx.orgId);
  if (patch.cron !== undefined) assertCron(scheduler, patch.cron, timeZone);
  const row = await withTransaction(ctx.db, async (tx) => {
    const [before] = await tx
      .select()
      .from(jobSchedules)
      .where(and(eq(jobSchedules.orgId, ctx.orgId), eq(jobSchedules.name, name)))
      .for('update');
    const current = effective(name, before);
    const next = { cron: patch.cron ?? current.cron, enabled: patch.enabled ?? current.enabled };
    const [saved] = await tx
      .insert(jobSchedules)
      .values({ orgId: ctx.orgId, name, ...next, payload: {}, updatedAt: ctx.now, updatedBy: ctx.actor.label })
      .onConflictDoUpdate({ target: [jobSchedules.orgId, jobSchedules.name], set: { ...next, updatedAt: ctx.now, updatedBy: ctx.actor.label } })
      .returning();
    await recordAudit(tx, ctx, {
      action: 'schedule.update',
      resourceType: 'schedule',
      resourceId: name,
      before: { cron: current.cron, enabled: current.enabled },
      after: next,
    });
    return saved;
  });
  await applySchedule(scheduler, ctx.orgId, name, row, timeZone);
  return view(scheduler, name, row, timeZone);
}

async function applySchedule(scheduler: SchedulerPort, orgId: string, name: string, row: Row | undefined, timeZone: string) {
  const { cron, enabled } = effective(name, row);
  if (enabled) await scheduler.schedule(name, cron, {}, { tz: timeZone, key: orgId, orgId });
  else await scheduler.unschedule(name, orgId);
}

/** Registers every org's schedules with the engine in the org's time zone (idempotent: run at start and every few minutes). */
export async function syncOrgSchedules(db: Db, scheduler: SchedulerPort): Promise<number> {
  const orgs = await listOrgTimeZones(db);
  const rows = await db.select().from(jobSchedules);
  const byKey = new Map(rows.map((r) => [`${r.orgId}|${r.name}`, r]));
  let applied = 0;
  for (const { orgId, timeZone } of orgs) {
    for (const name of Object.keys(orgScheduleCatalog)) {
      await applySchedule(scheduler, orgId, name, byKey.get(`${orgId}|${name}`), timeZone);
      applied++;
    }
  }
  return applied;
}

import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { bulkInsert, bulkInsertSql, mapRows } from '../../db/bulk-insert.ts';
import { type Db, type DbOrTx, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notifyInsertedEventsSql, publishEvents } from '../../events/event-bus.ts';
import { events } from '../../events/events.tables.ts';
import { conflict } from '../../lib/errors.ts';
import { recordAuditMany, recordAuditManySql } from '../tenancy/index.ts';
import type { TaskRow } from './task-mapping.ts';
import { notifyApprovers } from './task-notifications.ts';
import { marketplaceTasks } from './tasks.tables.ts';

export type NewTaskRow = typeof marketplaceTasks.$inferInsert & { id: string; dedupeKey: string; orgId: string };

interface PendingCreate {
  ctx: Ctx;
  values: NewTaskRow;
  resolve: (row: TaskRow) => void;
  reject: (error: unknown) => void;
}

interface Batcher {
  pending: PendingCreate[];
  inFlight: number;
}

/** Rows per batch, and batches in flight per process (the rest of the pool stays free for reads). */
const MAX_BATCH = 200;
const MAX_IN_FLIGHT = 3;

const batchers = new WeakMap<Db, Batcher>();

/**
 * Group commit for task creation: concurrent creates share one commit instead of paying a commit and
 * six round trips each. Creates without `submit` go to the database as ONE statement per batch (a
 * data-modifying WITH: tasks, audit entries, events and their NOTIFYs; one round trip, atomic on its
 * own); creates with `submit: true` share a transaction (the same inserts plus the approvers'
 * notification). At low load every create is still sent at once; under load, creates that arrive
 * while batches are in flight wait for the next one. Each caller gets its own outcome: a duplicate is
 * a 409 for that caller only, and if a batch fails as a whole its creates are retried one by one so
 * one bad row cannot fail the others.
 */
export function insertTask(ctx: Ctx, values: NewTaskRow): Promise<TaskRow> {
  let batcher = batchers.get(ctx.db);
  if (!batcher) {
    batcher = { pending: [], inFlight: 0 };
    batchers.set(ctx.db, batcher);
  }
  const target = batcher;
  return new Promise<TaskRow>((resolve, reject) => {
    target.pending.push({ ctx, values, resolve, reject });
    pump(ctx.db, target);
  });
}

function pump(db: Db, batcher: Batcher): void {
  while (batcher.inFlight < MAX_IN_FLIGHT && batcher.pending.length > 0) {
    const batch = batcher.pending.splice(0, MAX_BATCH);
    batcher.inFlight++;
    void flush(db, batch).finally(() => {
      batcher.inFlight--;
      pump(db, batcher);
    });
  }
}

async function flush(db: Db, batch: PendingCreate[]): Promise<void> {
  // Plain creates commit in one statement; `submit: true` also notifies approvers, in a transaction.
  const plain = batch.filter((item) => item.values.status !== 'awaiting_approval');
  const submitted = batch.filter((item) => item.values.status === 'awaiting_approval');
  await Promise.all([
    plain.length > 0 ? settle(db, plain, () => createManyAtOnce(db, plain)) : undefined,
    submitted.length > 0 ? settle(db, submitted, () => withTransaction(db, (tx) => createMany(tx, submitted))) : undefined,
  ]);
}

/** Hands each caller its outcome; if the batch failed as a whole, retries its creates one by one. */
async function settle(db: Db, batch: PendingCreate[], run: () => Promise<(TaskRow | Error)[]>): Promise<void> {
  let outcomes: (TaskRow | Error)[];
  try {
    outcomes = await run();
  } catch (error) {
    if (batch.length === 1) {
      batch[0]?.reject(error);
      return;
    }
    await Promise.all(batch.map((item) => flush(db, [item])));
    return;
  }
  outcomes.forEach((outcome, i) => {
    const item = batch[i] as PendingCreate;
    if (outcome instanceof Error) item.reject(outcome);
    else item.resolve(outcome);
  });
}

const createdAudit = (ctx: Ctx, row: Pick<TaskRow, 'id' | 'title' | 'marketplace'>) => ({
  scope: ctx,
  input: { action: 'task.created', resourceType: 'task', resourceId: row.id, after: { title: row.title, marketplace: row.marketplace, status: 'pending' } },
});

/**
 * Creates without `submit` in ONE statement (one round trip, committed on its own): the tasks (a
 * duplicate is skipped), an audit entry per task inserted, one task.created event per org, status
 * and marketplace, and their NOTIFYs, the same rows createMany writes in its transaction.
 */
async function createManyAtOnce(db: Db, batch: PendingCreate[]): Promise<(TaskRow | Error)[]> {
  const raw = await selectRows<Record<string, unknown>>(
    db,
    sql`with "created" as (${bulkInsertSql(
      marketplaceTasks,
      batch.map((item) => item.values),
      { onConflictDoNothing: true },
    )} returning *),
    "audited" as (${recordAuditManySql(
      batch.map(({ ctx, values }) => createdAudit(ctx, values)),
      sql`r.resource_id in (select "created".id::text from "created")`,
    )}),
    "published" as (insert into ${events} (org_id, type, payload)
      select c.org_id, 'task.created', jsonb_build_object('taskIds', jsonb_agg(c.id::text order by c.id), 'status', c.status, 'marketplace', c.marketplace)
      from "created" as c group by c.org_id, c.status, c.marketplace returning *),
    "notified" as (${notifyInsertedEventsSql('published')})
    select "created".* from "created", "notified"`,
  );
  const byId = new Map(mapRows(marketplaceTasks, raw).map((row) => [row.id, row]));
  return outcomesOf(db, batch, byId);
}

/** Each create's row, or a 409 naming the open task it duplicates. */
async function outcomesOf(tx: DbOrTx, batch: PendingCreate[], byId: Map<string, TaskRow>): Promise<(TaskRow | Error)[]> {
  const duplicates = batch.filter((item) => !byId.has(item.values.id));
  const existing = new Map<string, { id: string; status: string }>();
  if (duplicates.length > 0) {
    const rows = await tx
      .select({ id: marketplaceTasks.id, status: marketplaceTasks.status, orgId: marketplaceTasks.orgId, dedupeKey: marketplaceTasks.dedupeKey })
      .from(marketplaceTasks)
      .where(
        and(
          or(...duplicates.map((d) => and(eq(marketplaceTasks.orgId, d.values.orgId), eq(marketplaceTasks.dedupeKey, d.values.dedupeKey)))),
          sql`${marketplaceTasks.status} not in ('completed', 'rejected')`,
          inArray(marketplaceTasks.orgId, [...new Set(duplicates.map((d) => d.values.orgId))]),
        ),
      );
    for (const row of rows) existing.set(`${row.orgId}|${row.dedupeKey}`, row);
  }
  return batch.map((item) => {
    const row = byId.get(item.values.id);
    if (row) return row;
    const found = existing.get(`${item.values.orgId}|${item.values.dedupeKey}`);
    return conflict('An open task with the same marketplace, creator and title already exists', { existingTaskId: found?.id, status: found?.status });
  });
}

async function createMany(tx: DbOrTx, batch: PendingCreate[]): Promise<(TaskRow | Error)[]> {
  const inserted = await bulkInsert(
    tx,
    marketplaceTasks,
    batch.map((item) => item.values),
    { onConflictDoNothing: true },
  );
  const byId = new Map(inserted.map((row) => [row.id, row]));
  const created = batch.filter((item) => byId.has(item.values.id));
  const outcomes = await outcomesOf(tx, batch, byId);

  // `submit: true` records the same two steps as a create followed by a submit.
  await recordAuditMany(
    tx,
    created.flatMap(({ ctx, values }) => {
      const row = byId.get(values.id) as TaskRow;
      const createdEntry = createdAudit(ctx, row);
      if (row.status !== 'awaiting_approval') return [createdEntry];
      return [
        createdEntry,
        {
          scope: ctx,
          input: { action: 'task.submitted', resourceType: 'task', resourceId: row.id, before: { status: 'pending' }, after: { status: row.status } },
        },
      ];
    }),
  );

  const groups = new Map<string, { orgId: string; status: string; marketplace: string; taskIds: string[] }>();
  for (const { values } of created) {
    const row = byId.get(values.id) as TaskRow;
    const key = `${row.orgId}|${row.status}|${row.marketplace}`;
    const group = groups.get(key) ?? { orgId: row.orgId, status: row.status, marketplace: row.marketplace, taskIds: [] };
    group.taskIds.push(row.id);
    groups.set(key, group);
  }
  await publishEvents(
    tx,
    [...groups.values()].map((g) => ({ orgId: g.orgId, type: 'task.created', payload: { taskIds: g.taskIds, status: g.status, marketplace: g.marketplace } })),
  );

  const submittedByOrg = new Map<string, { ctx: Ctx; rows: TaskRow[] }>();
  for (const { ctx, values } of created) {
    const row = byId.get(values.id) as TaskRow;
    if (row.status !== 'awaiting_approval') continue;
    const entry = submittedByOrg.get(row.orgId) ?? { ctx, rows: [] };
    entry.rows.push(row);
    submittedByOrg.set(row.orgId, entry);
  }
  for (const { ctx, rows } of submittedByOrg.values()) await notifyApprovers(tx, ctx, rows);

  return outcomes;
}

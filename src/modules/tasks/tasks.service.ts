import { and, asc, count, eq, gte, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import { agentIds } from '../../contracts/agents.ts';
import type { createTaskRequestSchema, listTasksQuerySchema, MarketplaceTask } from '../../contracts/tasks.ts';
import type { DbOrTx } from '../../db/client.ts';
import { actorUserId, type Ctx } from '../../db/context.ts';
import { sha256Hex } from '../../lib/crypto.ts';
import { AppError, notFound, validation } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { containsPattern } from '../../lib/like.ts';
import { listAudit } from '../tenancy/index.ts';
import { insertTask } from './task-create-batch.ts';
import { agentMarketplace, type TaskRow, toTask } from './task-mapping.ts';
import { marketplaceTasks } from './tasks.tables.ts';

type CreateInput = z.output<typeof createTaskRequestSchema>;
type ListQuery = z.output<typeof listTasksQuerySchema>;

/** Same marketplace, creator and title (case and spacing aside) = the same task. */
export const dedupeKeyFor = (input: { marketplace: string; createdBy: string; title: string }) =>
  sha256Hex(`${input.marketplace}|${input.createdBy}|${input.title.trim().toLowerCase().replace(/\s+/g, ' ')}`);

/** Who the task is recorded as created by: always the caller itself, never someone it names. */
function resolveCreator(ctx: Ctx, input: CreateInput): string {
  const actor = ctx.actor;
  if (actor.type === 'token' && actor.kind === 'agent' && actor.agentId) {
    if (input.createdBy !== actor.agentId) throw new AppError('FORBIDDEN', `createdBy must be the calling agent (${actor.agentId})`);
    const own = agentMarketplace(actor.agentId);
    if (own && own !== input.marketplace) throw new AppError('FORBIDDEN', `${actor.agentId} may only create tasks for ${own}`);
    return actor.agentId;
  }
  if ((agentIds as readonly string[]).includes(input.createdBy)) throw new AppError('FORBIDDEN', 'Only that agent’s own token may create tasks as an agent');
  if (actor.type === 'user' || (actor.type === 'token' && actor.userId)) {
    const userId = actorUserId(actor) as string;
    const matches = input.createdBy === userId || (actor.type === 'user' && input.createdBy.toLowerCase() === actor.label.toLowerCase());
    if (!matches) throw new AppError('FORBIDDEN', 'createdBy must be you (your user id)');
    return userId;
  }
  if (actor.type === 'token') {
    const self = `token:${actor.tokenId}`;
    if (input.createdBy !== self && input.createdBy !== actor.tokenId) throw new AppError('FORBIDDEN', `createdBy must be this token (${self})`);
    return self;
  }
  return input.createdBy;
}

/**
 * Creates a task as the caller. In-process callers (the marketplace agents) may pass their own stable
 * `dedupeKey` (rule + subject) instead of the default one derived from the title.
 */
export async function createTask(ctx: Ctx, input: CreateInput, opts: { dedupeKey?: string } = {}): Promise<MarketplaceTask> {
  const createdBy = resolveCreator(ctx, input);
  const submit = input.submit === true;
  const dedupeKey = opts.dedupeKey ?? dedupeKeyFor({ ...input, createdBy });
  const row = await insertTask(ctx, {
    id: uuidv7(ctx.now.getTime()),
    orgId: ctx.orgId,
    marketplace: input.marketplace,
    createdBy,
    title: input.title,
    description: input.description,
    category: input.category,
    priority: input.priority,
    status: submit ? 'awaiting_approval' : 'pending',
    createdAt: ctx.now,
    submittedAt: submit ? ctx.now : null,
    estimatedHours: input.estimatedHours,
    tags: input.tags ?? [],
    metadata: input.metadata ?? {},
    dedupeKey,
  });
  return toTask(row);
}

export async function getTaskRow(db: DbOrTx, orgId: string, id: string): Promise<TaskRow> {
  const [row] = await db
    .select()
    .from(marketplaceTasks)
    .where(and(eq(marketplaceTasks.id, id), eq(marketplaceTasks.orgId, orgId)));
  if (!row) throw notFound('Task');
  return row;
}

/** An agent token sees only its own tasks (DESIGN.md roles table). */
export const visibility = (ctx: Ctx): SQL | undefined =>
  ctx.actor.type === 'token' && ctx.actor.kind === 'agent' && ctx.actor.agentId ? eq(marketplaceTasks.createdBy, ctx.actor.agentId) : undefined;

export async function getTask(ctx: Ctx, id: string) {
  const row = await getTaskRow(ctx.db, ctx.orgId, id);
  const own = visibility(ctx);
  if (own && ctx.actor.type === 'token' && row.createdBy !== ctx.actor.agentId) throw notFound('Task');
  const audit = await listAudit(ctx, { resourceType: 'task', resourceId: id, limit: 200 });
  const history = audit.entries.reverse().map((e) => ({ at: e.at, action: e.action, actorType: e.actorType, actorLabel: e.actorLabel, changes: e.changes }));
  return { task: toTask(row), history };
}

const priorityRank = marketplaceTasks.priorityRank;
/** Matches the (… DESC NULLS LAST) indexes, so newest-first pages are index scans. */
const newestFirst = [sql`${marketplaceTasks.createdAt} desc nulls last`, sql`${marketplaceTasks.id} desc nulls last`];
/** `total` is exact up to this many; beyond it counting would cost more than the page itself. */
export const TOTAL_CAP = 1_000;

interface Cursor {
  k: string | number;
  c: string;
  id: string;
}
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(raw: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Cursor;
    if (typeof c.id !== 'string' || typeof c.c !== 'string') throw new Error('shape');
    return c;
  } catch {
    throw validation('Invalid cursor: pass back the nextCursor of a previous page');
  }
}

export async function listTasks(ctx: Ctx, query: ListQuery) {
  const where: SQL[] = [eq(marketplaceTasks.orgId, ctx.orgId)];
  const own = visibility(ctx);
  if (own) where.push(own);
  if (query.status?.length) where.push(inArray(marketplaceTasks.status, query.status));
  if (query.marketplace?.length) where.push(inArray(marketplaceTasks.marketplace, query.marketplace));
  if (query.priority?.length) where.push(inArray(marketplaceTasks.priority, query.priority));
  if (query.category?.length) where.push(inArray(marketplaceTasks.category, query.category));
  if (query.createdBy) where.push(eq(marketplaceTasks.createdBy, query.createdBy));
  if (query.assignedTo) {
    const assignee = query.assignedTo === 'me' ? actorUserId(ctx.actor) : query.assignedTo;
    if (!assignee || !/^[0-9a-f-]{36}$/i.test(assignee)) throw validation('assignedTo must be a user id or "me" (for people)');
    where.push(eq(marketplaceTasks.assignedTo, assignee));
  }
  if (query.q) {
    const like = containsPattern(query.q);
    where.push(sql`${marketplaceTasks.searchText} like lower(${like})`);
  }
  if (query.createdFrom) where.push(gte(marketplaceTasks.createdAt, new Date(query.createdFrom)));
  if (query.createdTo) where.push(lte(marketplaceTasks.createdAt, new Date(query.createdTo)));

  const filtered = and(...where);
  const page: SQL[] = [];
  if (query.cursor) {
    const c = decodeCursor(query.cursor);
    const after =
      query.sort === 'priority'
        ? sql`(${priorityRank}, ${marketplaceTasks.createdAt}, ${marketplaceTasks.id}) > (${Number(c.k)}, ${c.c}::timestamptz, ${c.id}::uuid)`
        : sql`(${marketplaceTasks.createdAt}, ${marketplaceTasks.id}) < (${c.c}::timestamptz, ${c.id}::uuid)`;
    page.push(after);
  }
  const order = query.sort === 'priority' ? [asc(priorityRank), asc(marketplaceTasks.createdAt), asc(marketplaceTasks.id)] : newestFirst;
  const pageOf = <Q extends PgSelect>(select: Q) =>
    select
      .where(and(filtered, ...page))
      .orderBy(...order)
      .limit(query.limit + 1)
      .offset(query.cursor ? 0 : query.offset);
  // The cursor keeps created_at to the microsecond: tasks created in one transaction share it, and a
  // millisecond cut would skip those of them past a page boundary.
  const fields = {
    task: marketplaceTasks,
    rank: priorityRank,
    at: sql<string>`to_char(${marketplaceTasks.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
  };
  // A search first picks the page's ids: the newest-first walk then tests search_text on the index
  // tuple (marketplace_tasks_org_created_idx carries it, migration 0017) instead of visiting a heap
  // row per rejected task; only the page's rows are fetched.
  const rowsOf = (ids: string[]) =>
    ids.length === 0
      ? Promise.resolve([])
      : ctx.db
          .select(fields)
          .from(marketplaceTasks)
          .where(inArray(marketplaceTasks.id, ids))
          .orderBy(...order);

  /**
   * A search's offset page within the first TOTAL_CAP matches (the dashboard's case): ONE walk of up to TOTAL_CAP matches
   * in the page's order answers both the page's ids and the capped total, where counting and paging apart would walk the
   * same index prefix twice (a search whose newest matches are far down the list paid that prefix twice). Other filters
   * count apart: an unordered count may use any index (e.g. marketplace + status), the ordered walk only the list's.
   */
  const oneWalk = async () => {
    const walk = ctx.db
      .select({ id: marketplaceTasks.id, n: sql<number>`row_number() over (order by ${sql.join(order, sql`, `)})`.as('n') })
      .from(marketplaceTasks)
      .where(filtered)
      .orderBy(...order)
      .limit(TOTAL_CAP)
      .as('walk');
    const [summary] = await ctx.db
      .select({
        total: count(),
        ids: sql<
          string[] | null
        >`array_agg(${walk.id} order by ${walk.n}) filter (where ${walk.n} > ${query.offset} and ${walk.n} <= ${query.offset + query.limit + 1})`,
      })
      .from(walk);
    return { rows: await rowsOf(summary?.ids ?? []), total: summary?.total ?? 0 };
  };

  /** Any other page: the page, then the capped total of the whole filter. */
  const pageAndTotal = async () => {
    const rows = query.q
      ? await ctx.db
          .select(fields)
          .from(marketplaceTasks)
          .where(inArray(marketplaceTasks.id, pageOf(ctx.db.select({ id: marketplaceTasks.id }).from(marketplaceTasks).$dynamic())))
          .orderBy(...order)
      : await pageOf(ctx.db.select(fields).from(marketplaceTasks).$dynamic());
    const [totalRow] = await ctx.db
      .select({ n: count() })
      .from(ctx.db.select({ one: sql`1` }).from(marketplaceTasks).where(filtered).limit(TOTAL_CAP).as('capped'));
    return { rows, total: totalRow?.n ?? 0 };
  };

  const { rows, total } = query.q && !query.cursor && query.offset + query.limit + 1 <= TOTAL_CAP ? await oneWalk() : await pageAndTotal();
  const pageRows = rows.slice(0, query.limit);
  const last = pageRows.at(-1);
  const nextCursor =
    rows.length > query.limit && last ? encodeCursor({ k: query.sort === 'priority' ? (last.rank ?? 2) : 0, c: last.at, id: last.task.id }) : null;
  return {
    tasks: pageRows.map((r) => toTask(r.task)),
    count: pageRows.length,
    offset: query.cursor ? 0 : query.offset,
    limit: query.limit,
    total,
    totalCapped: total >= TOTAL_CAP,
    nextCursor,
  };
}

/** For the approval queue: awaiting tasks, oldest first, grouped by marketplace (seed 000 batchTasksForApproval). */
export async function batchTasksForApproval(ctx: Ctx, limit: number) {
  const awaiting = and(eq(marketplaceTasks.orgId, ctx.orgId), eq(marketplaceTasks.status, 'awaiting_approval'), visibility(ctx));
  const rows = await ctx.db.select().from(marketplaceTasks).where(awaiting).orderBy(asc(marketplaceTasks.submittedAt), asc(marketplaceTasks.id)).limit(limit);
  const tasks = rows.map(toTask);
  const grouped: Record<string, MarketplaceTask[]> = {};
  for (const task of tasks) grouped[task.marketplace] = [...(grouped[task.marketplace] ?? []), task];
  const [total] = await ctx.db.select({ n: count() }).from(marketplaceTasks).where(awaiting);
  return { tasks, grouped, total: total?.n ?? 0, readyForApproval: tasks.length > 0 };
}

import { and, eq, inArray, sql } from 'drizzle-orm';
import type { MarketplaceTask, TaskStatus } from '../../contracts/tasks.ts';
import type { DbOrTx } from '../../db/client.ts';
import { actorUserId, type Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { publishEvent } from '../../events/event-bus.ts';
import { AppError, conflict, notFound, validation } from '../../lib/errors.ts';
import { orgSettings, recordAuditMany, roleIn, tokenCreator } from '../tenancy/index.ts';
import { type TaskRow, timeAccuracy, toTask } from './task-mapping.ts';
import { notifyApprovers } from './task-notifications.ts';
import { type TaskAction, taskTransitions } from './task-transitions.ts';
import { visibility } from './tasks.service.ts';
import { marketplaceTasks } from './tasks.tables.ts';

type TaskUpdate = Partial<typeof marketplaceTasks.$inferInsert>;

const inOrg = (ctx: Ctx) => eq(marketplaceTasks.orgId, ctx.orgId);

/**
 * All-or-nothing transition of several tasks: rows are locked, every id must exist in the org and be
 * in a status the action leaves from, otherwise nothing changes and the 409 lists each offender.
 */
async function transitionMany(
  tx: DbOrTx,
  ctx: Ctx,
  ids: string[],
  action: TaskAction,
  set: TaskUpdate,
  check?: (row: TaskRow) => void | Promise<void>,
): Promise<TaskRow[]> {
  const unique = [...new Set(ids)];
  const { from, to } = taskTransitions[action];
  // Rows the caller may not see (another agent's tasks) count as not found: no status leaks.
  const rows = await tx
    .select()
    .from(marketplaceTasks)
    .where(and(inOrg(ctx), inArray(marketplaceTasks.id, unique), visibility(ctx)))
    .for('update');
  const found = new Map(rows.map((r) => [r.id, r]));
  const conflicts = unique.flatMap((id) => {
    const row = found.get(id);
    if (!row) return [{ taskId: id, status: 'not_found' }];
    return (from as readonly string[]).includes(row.status) ? [] : [{ taskId: id, status: row.status }];
  });
  if (conflicts.length > 0 && conflicts.every((c) => c.status === 'not_found')) {
    throw notFound(conflicts.length === 1 ? 'Task' : 'Tasks', { missing: conflicts.map((c) => c.taskId) });
  }
  if (conflicts.length > 0) {
    throw conflict(`${conflicts.length} of ${unique.length} task(s) cannot be ${to.replace('_', ' ')} from their current status; nothing was changed`, {
      expectedStatus: from,
      conflicts,
    });
  }
  for (const row of rows) await check?.(row);
  const updated = await tx
    .update(marketplaceTasks)
    .set({ ...set, status: to, version: sql`${marketplaceTasks.version} + 1` })
    .where(and(inOrg(ctx), inArray(marketplaceTasks.id, unique), inArray(marketplaceTasks.status, [...from])))
    .returning();
  if (updated.length !== unique.length) throw conflict('Tasks changed concurrently; nothing was changed, try again');
  return updated;
}

/** One task, guarded by its expected status: two concurrent requests can never both win. */
async function transitionOne(tx: DbOrTx, ctx: Ctx, id: string, action: TaskAction, set: TaskUpdate): Promise<TaskRow> {
  const { from, to } = taskTransitions[action];
  const [row] = await tx
    .update(marketplaceTasks)
    .set({ ...set, status: to, version: sql`${marketplaceTasks.version} + 1` })
    .where(and(inOrg(ctx), eq(marketplaceTasks.id, id), inArray(marketplaceTasks.status, [...from])))
    .returning();
  if (row) return row;
  const [current] = await tx
    .select({ status: marketplaceTasks.status })
    .from(marketplaceTasks)
    .where(and(inOrg(ctx), eq(marketplaceTasks.id, id)));
  if (!current) throw notFound('Task');
  throw conflict(`Task is ${current.status}; it must be ${from.join(' or ')} to be ${to.replace('_', ' ')}`, {
    taskId: id,
    currentStatus: current.status,
    expectedStatus: from,
  });
}

async function record(tx: DbOrTx, ctx: Ctx, rows: TaskRow[], action: string, before: TaskStatus[], extra: Record<string, unknown> = {}) {
  await recordAuditMany(
    tx,
    rows.map((row, i) => ({
      scope: ctx,
      input: { action, resourceType: 'task', resourceId: row.id, before: { status: before[i] ?? null }, after: { status: row.status, ...extra } },
    })),
  );
  await publishEvent(tx, ctx.orgId, 'task.updated', { taskIds: rows.map((r) => r.id), status: rows[0]?.status ?? null, action });
}

/** The person behind a task's creator: themselves, or whoever issued the integration token that created it. */
async function requesterOf(db: DbOrTx, createdBy: string): Promise<string | null> {
  return createdBy.startsWith('token:') ? tokenCreator(db, createdBy.slice('token:'.length)) : createdBy;
}

/** pending -> awaiting_approval: the creating agent (its own tasks) or an approver. */
export async function submitTasks(ctx: Ctx, ids: string[]): Promise<MarketplaceTask[]> {
  return withTransaction(ctx.db, async (tx) => {
    if (!ctx.permissions.has('tasks.approve') && !(ctx.actor.type === 'token' && ctx.actor.kind === 'agent')) throw notFound('Task');
    const rows = await transitionMany(tx, ctx, ids, 'submit', { submittedAt: ctx.now });
    await record(
      tx,
      ctx,
      rows,
      'task.submitted',
      rows.map(() => 'pending'),
    );
    await notifyApprovers(tx, ctx, rows);
    return rows.map(toTask);
  });
}

/** Approve or reject a batch, all or nothing; rejecting needs a reason; self-approval only when the org allows it. */
export async function approveTasks(ctx: Ctx, input: { taskIds: string[]; approved: boolean; reason?: string | undefined }): Promise<MarketplaceTask[]> {
  const reason = input.reason?.trim();
  if (!input.approved && !reason) throw validation('A reason is required to reject tasks');
  const approver = actorUserId(ctx.actor);
  if (ctx.actor.type !== 'user' || !approver) throw new AppError('FORBIDDEN', 'Only admins can approve tasks');
  const settings = await orgSettings(ctx.db, ctx.orgId);
  return withTransaction(ctx.db, async (tx) => {
    let selfApproved = false;
    const action = input.approved ? 'approve' : 'reject';
    const rows = await transitionMany(
      tx,
      ctx,
      input.taskIds,
      action,
      { approvedAt: ctx.now, approvedBy: approver, rejectionReason: input.approved ? null : (reason ?? null) },
      async (row) => {
        if ((await requesterOf(tx, row.createdBy)) !== approver) return;
        if (!settings.allowSelfApproval) throw new AppError('FORBIDDEN', 'You cannot approve or reject a task you requested yourself', { taskId: row.id });
        selfApproved = true;
      },
    );
    await record(
      tx,
      ctx,
      rows,
      input.approved ? 'task.approved' : 'task.rejected',
      rows.map(() => 'awaiting_approval'),
      {
        ...(reason ? { reason } : {}),
        ...(selfApproved ? { selfApproval: true } : {}),
      },
    );
    return rows.map(toTask);
  });
}

/** approved -> in_progress, assigned to a member who can do work (owner, admin or operator). */
export async function assignTask(ctx: Ctx, input: { taskId: string; assignedTo: string }): Promise<MarketplaceTask> {
  const role = await roleIn(ctx.db, ctx.orgId, input.assignedTo);
  if (!role) throw notFound('Member (assignedTo)');
  if (role === 'viewer') throw validation('Viewers cannot be assigned tasks: choose an operator, admin or owner');
  return withTransaction(ctx.db, async (tx) => {
    const row = await transitionOne(tx, ctx, input.taskId, 'assign', { assignedTo: input.assignedTo, startedAt: ctx.now });
    await record(tx, ctx, [row], 'task.assigned', ['approved'], { assignedTo: input.assignedTo });
    return toTask(row);
  });
}

async function assertMayWorkOn(ctx: Ctx, id: string): Promise<void> {
  if (ctx.permissions.has('tasks.approve')) return;
  const [row] = await ctx.db
    .select({ assignedTo: marketplaceTasks.assignedTo })
    .from(marketplaceTasks)
    .where(and(inOrg(ctx), eq(marketplaceTasks.id, id)));
  if (!row) throw notFound('Task');
  if (row.assignedTo !== actorUserId(ctx.actor)) throw new AppError('FORBIDDEN', 'You can only complete your assigned tasks');
}

/** in_progress -> completed by the assignee or an admin, with the hours spent. */
export async function completeTask(ctx: Ctx, input: { taskId: string; actualHours: number; notes?: string | undefined }) {
  await assertMayWorkOn(ctx, input.taskId);
  return withTransaction(ctx.db, async (tx) => {
    const row = await transitionOne(tx, ctx, input.taskId, 'complete', {
      completedAt: ctx.now,
      completedBy: actorUserId(ctx.actor),
      actualHours: input.actualHours,
      completionNotes: input.notes ?? null,
    });
    const estimated = Number(row.estimatedHours);
    const stats = {
      estimatedHours: estimated,
      actualHours: input.actualHours,
      accuracy: timeAccuracy(estimated, input.actualHours),
      completedAt: ctx.now.toISOString(),
    };
    await record(tx, ctx, [row], 'task.completed', ['in_progress'], { actualHours: input.actualHours, accuracy: stats.accuracy });
    return { task: toTask(row), stats };
  });
}

/** in_progress -> pending (back to the backlog), clearing the assignee. */
export async function returnTask(ctx: Ctx, input: { taskId: string; reason: string }): Promise<MarketplaceTask> {
  await assertMayWorkOn(ctx, input.taskId);
  return withTransaction(ctx.db, async (tx) => {
    const row = await transitionOne(tx, ctx, input.taskId, 'return', {
      assignedTo: null,
      startedAt: null,
      submittedAt: null,
      approvedAt: null,
      approvedBy: null,
    });
    await record(tx, ctx, [row], 'task.returned', ['in_progress'], { reason: input.reason });
    return toTask(row);
  });
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { agentIds } from '../../contracts/agents.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import {
  approveTasksRequestSchema,
  assignTaskRequestSchema,
  assignTaskResponseSchema,
  batchesQuerySchema,
  batchesResponseSchema,
  batchResponseSchema,
  completeTaskRequestSchema,
  completeTaskResponseSchema,
  createTaskRequestSchema,
  createTaskResponseSchema,
  listTasksQuerySchema,
  listTasksResponseSchema,
  type MarketplaceTask,
  returnTaskRequestSchema,
  statsQuerySchema,
  statsResponseSchema,
  statusResponseSchema,
  submitTasksRequestSchema,
  taskDetailResponseSchema,
  taskMetricsResponseSchema,
  taskResponseSchema,
  trendQuerySchema,
  trendResponseSchema,
} from '../../contracts/tasks.ts';
import {
  approveTasks,
  assignTask,
  batchTasksForApproval,
  completeTask,
  createTask,
  dailyStats,
  getTask,
  listTasks,
  returnTask,
  statsTrend,
  submitTasks,
  taskMetrics,
  withIdempotency,
} from '../../modules/tasks/index.ts';
import type { AppDeps } from '../deps.ts';

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
  422: errorBodySchema,
  429: errorBodySchema,
};
const STATUS_TTL_MS = 5 * 60_000;
const AGENT_TOKEN_REQUIRED = 'Unauthorized - marketplace agent token required';

/** Seed 000's /api/orchestration contract. */
export const tasksRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { metrics } = deps;
    // getStatus() is cached per org for at most 5 minutes and dropped on any task write (in any process).
    const statusCache = new Map<string, { at: number; value: z.infer<typeof statusResponseSchema> }>();
    // Daily stats are cached the same way (per org and date), so dashboards polling them cost one query per write.
    const statsCache = new Map<string, { at: number; value: Awaited<ReturnType<typeof dailyStats>> }>();
    const unsubscribe = deps.bus.subscribeAll((event) => {
      if (!event.orgId || !event.type.startsWith('task.')) return;
      statusCache.delete(event.orgId);
      for (const key of statsCache.keys()) if (key.startsWith(`${event.orgId}|`)) statsCache.delete(key);
    });
    app.addHook('onClose', async () => unsubscribe());

    const observeDecisions = (tasks: MarketplaceTask[]) => {
      for (const t of tasks) {
        const decision = t.status === 'rejected' ? 'rejected' : 'approved';
        metrics.tasksDecided.inc({ marketplace: t.marketplace, agent: t.createdBy.startsWith('marketplace-') ? t.createdBy : 'person', decision });
        if (t.submittedAt && t.approvedAt)
          metrics.taskApprovalSeconds.observe({ marketplace: t.marketplace }, (Date.parse(t.approvedAt) - Date.parse(t.submittedAt)) / 1000);
      }
    };

    app.post(
      '/api/orchestration/tasks',
      {
        config: { access: 'tasks.create', unauthorizedMessage: AGENT_TOKEN_REQUIRED },
        schema: {
          tags: ['tasks'],
          summary: 'Create a task (marketplace agents; admins too)',
          description:
            'An agent token creates tasks as itself (`createdBy` must be its agent id) and only for its own marketplace; `marketplace-master` for any. `submit: true` sends it straight to approval. Send `Idempotency-Key` to make retries safe (same key + body = the original answer; same key + another body = 422; kept 24 h). An open task with the same marketplace, creator and title is a 409.',
          headers: z.object({ 'idempotency-key': z.string().optional() }),
          body: createTaskRequestSchema,
          response: { 201: createTaskResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const result = await withIdempotency(request.ctx, 'tasks.create', request.headers['idempotency-key'], request.body, async () => {
          const task = await createTask(request.ctx, request.body);
          metrics.tasksCreated.inc({ marketplace: task.marketplace, agent: task.createdBy.startsWith('marketplace-') ? task.createdBy : 'person' });
          const message = task.status === 'awaiting_approval' ? 'Task created and submitted for approval' : 'Task created and awaiting approval';
          return { status: 201, body: { success: true as const, task, message } };
        });
        if (result.replayed) reply.header('Idempotent-Replayed', 'true');
        return reply.status(result.status).send(result.body);
      },
    );

    app.get(
      '/api/orchestration/tasks',
      {
        config: { access: 'tasks.read' },
        schema: {
          tags: ['tasks'],
          summary: 'List tasks with filters (agent tokens see only their own)',
          description:
            '`status`, `marketplace`, `priority` and `category` take one value or several, comma-separated. `assignedTo=me` for your own work. Use `nextCursor` as `cursor` for deep paging.',
          querystring: listTasksQuerySchema,
          response: { 200: listTasksResponseSchema, ...errors },
        },
      },
      async (request) => listTasks(request.ctx, request.query),
    );

    app.get(
      '/api/orchestration/tasks/:id',
      {
        config: { access: 'tasks.read' },
        schema: {
          tags: ['tasks'],
          summary: 'One task with its history (from the audit log)',
          params: z.object({ id: z.uuid({ error: 'expected a task id (UUID)' }) }),
          response: { 200: taskDetailResponseSchema, ...errors },
        },
      },
      async (request) => getTask(request.ctx, request.params.id),
    );

    app.patch(
      '/api/orchestration/tasks/submit',
      {
        config: { access: 'tasks.read' },
        schema: {
          tags: ['tasks'],
          summary: 'Send pending tasks for approval (the creating agent, or an approver); all or nothing',
          body: submitTasksRequestSchema,
          response: { 200: batchResponseSchema, ...errors },
        },
      },
      async (request) => {
        const tasks = await submitTasks(request.ctx, request.body.taskIds);
        return { success: true as const, message: 'Tasks submitted for approval', count: tasks.length, tasks };
      },
    );

    app.patch(
      '/api/orchestration/tasks/approve',
      {
        config: { access: 'tasks.approve', forbiddenMessage: 'Only admins can approve tasks' },
        schema: {
          tags: ['tasks'],
          summary: 'Approve or reject tasks in a batch (all or nothing; rejecting needs a reason)',
          description:
            'If any id is missing or not awaiting approval nothing changes and the 409 lists each offender with its current status (`details.conflicts`). At most 500 ids.',
          body: approveTasksRequestSchema,
          response: { 200: batchResponseSchema, ...errors },
        },
      },
      async (request) => {
        const tasks = await approveTasks(request.ctx, request.body);
        observeDecisions(tasks);
        return { success: true as const, message: request.body.approved ? 'Tasks approved' : 'Tasks rejected', count: tasks.length, tasks };
      },
    );

    app.patch(
      '/api/orchestration/tasks/assign',
      {
        config: { access: 'tasks.assign', forbiddenMessage: 'Only admins can assign tasks' },
        schema: {
          tags: ['tasks'],
          summary: 'Assign an approved task to a member; it starts (in_progress)',
          body: assignTaskRequestSchema,
          response: { 200: assignTaskResponseSchema, ...errors },
        },
      },
      async (request) => {
        const task = await assignTask(request.ctx, request.body);
        return { success: true as const, message: 'Task assigned successfully', task, assignedAt: task.startedAt ?? new Date().toISOString() };
      },
    );

    app.patch(
      '/api/orchestration/tasks/complete',
      {
        config: { access: 'tasks.complete', forbiddenMessage: 'You can only complete your assigned tasks' },
        schema: {
          tags: ['tasks'],
          summary: 'Complete a task with the hours spent (the assignee or an admin)',
          body: completeTaskRequestSchema,
          response: { 200: completeTaskResponseSchema, ...errors },
        },
      },
      async (request) => {
        const { task, stats } = await completeTask(request.ctx, request.body);
        metrics.tasksCompleted.inc({ marketplace: task.marketplace });
        metrics.taskTimeAccuracy.observe({ marketplace: task.marketplace }, stats.accuracy);
        if (task.startedAt && task.completedAt)
          metrics.taskExecutionSeconds.observe({ marketplace: task.marketplace }, (Date.parse(task.completedAt) - Date.parse(task.startedAt)) / 1000);
        return { success: true as const, message: 'Task completed successfully', task, stats };
      },
    );

    app.patch(
      '/api/orchestration/tasks/return',
      {
        config: { access: 'tasks.complete', forbiddenMessage: 'You can only return your assigned tasks' },
        schema: {
          tags: ['tasks'],
          summary: 'Return an in-progress task to the backlog (pending), clearing the assignee',
          body: returnTaskRequestSchema,
          response: { 200: taskResponseSchema, ...errors },
        },
      },
      async (request) => ({ success: true as const, message: 'Task returned to the backlog', task: await returnTask(request.ctx, request.body) }),
    );

    app.get(
      '/api/orchestration/stats',
      {
        config: { access: 'tasks.read' },
        schema: {
          tags: ['tasks'],
          summary: "Daily stats per marketplace for today in the org's time zone (or `date`)",
          querystring: statsQuerySchema,
          response: { 200: statsResponseSchema, ...errors },
        },
      },
      async (request) => {
        const ctx = request.ctx;
        if (ctx.actor.type === 'token' && ctx.actor.kind === 'agent') return dailyStats(ctx, request.query.date);
        const key = `${ctx.orgId}|${request.query.date ?? 'today'}`;
        const cached = statsCache.get(key);
        if (cached && Date.now() - cached.at < STATUS_TTL_MS) return cached.value;
        const value = await dailyStats(ctx, request.query.date);
        if (statsCache.size > 5000) statsCache.clear();
        statsCache.set(key, { at: Date.now(), value });
        return value;
      },
    );

    app.get(
      '/api/orchestration/stats/trend',
      {
        config: { access: 'tasks.read' },
        schema: {
          tags: ['tasks'],
          summary: 'Created, approved, rejected and completed per day',
          querystring: trendQuerySchema,
          response: { 200: trendResponseSchema, ...errors },
        },
      },
      async (request) => statsTrend(request.ctx, request.query.days),
    );

    app.get(
      '/api/orchestration/status',
      {
        config: { access: 'tasks.read' },
        schema: {
          tags: ['tasks'],
          summary: "The orchestrator's status: agents and today's stats (cached up to 5 min)",
          response: { 200: statusResponseSchema, ...errors },
        },
      },
      async (request) => {
        // Agent tokens get figures of their own tasks only: never from (or into) the org-wide cache.
        if (request.ctx.actor.type === 'token' && request.ctx.actor.kind === 'agent') {
          return { timestamp: new Date().toISOString(), agents: [...agentIds], stats: (await dailyStats(request.ctx)).stats };
        }
        const cached = statusCache.get(request.ctx.orgId);
        if (cached && Date.now() - cached.at < STATUS_TTL_MS) return cached.value;
        const { stats } = await dailyStats(request.ctx);
        const value = { timestamp: new Date().toISOString(), agents: [...agentIds], stats };
        statusCache.set(request.ctx.orgId, { at: Date.now(), value });
        return value;
      },
    );

    app.get(
      '/api/orchestration/batches',
      {
        config: { access: 'tasks.read' },
        schema: {
          tags: ['tasks'],
          summary: 'Tasks awaiting approval, oldest first, grouped by marketplace',
          querystring: batchesQuerySchema,
          response: { 200: batchesResponseSchema, ...errors },
        },
      },
      async (request) => batchTasksForApproval(request.ctx, request.query.limit),
    );

    app.get(
      '/api/orchestration/metrics',
      {
        config: { access: 'tasks.read' },
        schema: {
          tags: ['tasks'],
          summary: 'Pipeline, approval and accuracy figures and per-agent performance',
          response: { 200: taskMetricsResponseSchema, ...errors },
        },
      },
      async (request) => taskMetrics(request.ctx.db, request.ctx.orgId, request.ctx),
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  fixPatternResponseSchema,
  healthResponseSchema,
  listPatternsQuerySchema,
  listPatternsResponseSchema,
  metricSnapshotsQuerySchema,
  metricSnapshotsResponseSchema,
  patternIdParamsSchema,
  queueHistoryQuerySchema,
  queueHistoryResponseSchema,
} from '../../contracts/health.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import type { Ctx } from '../../db/context.ts';
import {
  fixStuckPattern,
  getSystemHealth,
  type HealthSources,
  jobEngineFailOver,
  listMetricSnapshots,
  listStuckPatterns,
  publicHealth,
  queueDepthHistory,
  type WatchdogEngine,
} from '../../modules/operations/index.ts';
import { recoverPlan } from '../../modules/plans/index.ts';
import type { AppDeps } from '../deps.ts';

const PUBLIC_TTL_MS = 2000;
const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };

/** Health and diagnostics (seed 002 part 2.3.5, seed 001's /api/health), stuck patterns and daily metric snapshots. */
export const healthRoutes =
  (deps: AppDeps, sources: HealthSources): FastifyPluginAsyncZod =>
  async (app) => {
    const engine: WatchdogEngine = {
      ...jobEngineFailOver(deps.queue.boss),
      recoverPlan: (orgId, planId, opts) =>
        recoverPlan(deps.database.db, (tx, name, payload) => deps.queue.enqueue(name, payload, { tx, orgId: payload.orgId }), orgId, planId, opts),
    };
    // Load balancers poll the anonymous answer: computed at most once per PUBLIC_TTL_MS per process.
    let cachedPublic: { at: number; value: Promise<Awaited<ReturnType<typeof publicHealth>>> } | null = null;
    const publicAnswer = () => {
      if (!cachedPublic || Date.now() - cachedPublic.at > PUBLIC_TTL_MS) cachedPublic = { at: Date.now(), value: publicHealth(deps.database) };
      return cachedPublic.value;
    };

    app.get(
      '/api/health',
      {
        config: { access: 'public', optionalAuth: true },
        schema: {
          tags: ['health'],
          summary: 'System health: 200 healthy or degraded, 503 unhealthy',
          description:
            'For load balancers and uptime monitors without credentials: `{ status, overall_status, timestamp }` from the database, the job engine and system-wide stuck patterns. ' +
            "With a session or token holding `health.read`: seed 002's getSystemHealth report for the caller's org (queue, database, stuck patterns with recommendations, " +
            'detectors, recent recoveries, breakers, rate limiters, open alerts). Invalid credentials answer 401. ' +
            '`unhealthy` = the database does not answer, the job failure rate over the last hour is >= 50 % or a critical pattern is open; ' +
            '`degraded` = any other open pattern, a failure rate >= 5 % or an open circuit breaker.',
          response: { 200: healthResponseSchema, 503: healthResponseSchema, 401: errorBodySchema, 429: errorBodySchema },
        },
      },
      async (request, reply) => {
        const ctx = request.ctx as Ctx | null;
        const body =
          ctx?.permissions.has('health.read') === true
            ? await getSystemHealth(ctx, {
                database: deps.database,
                sources,
                thresholds: deps.config.watchdog.thresholds,
                autoRecovery: deps.config.watchdog.autoRecovery,
              })
            : await publicAnswer();
        reply.header('Cache-Control', 'no-store');
        return reply.status(body.overall_status === 'unhealthy' ? 503 : 200).send(body);
      },
    );

    app.get(
      '/api/health/patterns',
      {
        config: { access: 'health.read' },
        schema: {
          tags: ['health'],
          summary: 'Stuck patterns of this org and of the shared job engine (newest first)',
          querystring: listPatternsQuerySchema,
          response: { 200: listPatternsResponseSchema, ...errors },
        },
      },
      async (request) => ({ patterns: await listStuckPatterns(request.ctx, request.query) }),
    );

    app.get(
      '/api/health/queue-history',
      {
        config: { access: 'health.read' },
        schema: {
          tags: ['health'],
          summary: 'Job queue depth about once a minute over the last hours (the Health page chart)',
          description: 'Sampled by the watchdog (kept 48 h). The job engine is shared, so every org sees the same figures (counts only).',
          querystring: queueHistoryQuerySchema,
          response: { 200: queueHistoryResponseSchema, ...errors },
        },
      },
      async (request) => ({ samples: await queueDepthHistory(request.ctx.db, request.query.hours) }),
    );

    app.post(
      '/api/health/patterns/:patternId/fix',
      {
        config: { access: 'health.fix' },
        schema: {
          tags: ['health'],
          summary: 'Fix now: apply the safe fix of an open, auto-fixable pattern',
          description:
            'Works whatever ENABLE_AUTO_RECOVERY says (a person decided). Today the only safe fix is failing over a job past its lease (fenced to the running attempt: it retries or goes to its dead-letter queue). ' +
            '409 when the pattern is resolved (`details.status`) or has no automatic fix (`details.auto_fixable: false`). Audited.',
          params: patternIdParamsSchema,
          response: { 200: fixPatternResponseSchema, ...errors },
        },
      },
      async (request) => fixStuckPattern(request.ctx, engine, request.params.patternId),
    );

    app.get(
      '/api/metrics/snapshots',
      {
        config: { access: 'health.read' },
        schema: {
          tags: ['health'],
          summary: 'Daily metric snapshots (seed 002 marketplace_metrics) of one metric between two days',
          description:
            'Written hourly for today and yesterday in the org time zone, kept in the database so trends outlive Prometheus retention. Metrics: tasks_created, tasks_completed, approval_rate, time_accuracy, avg_completion_hours (label marketplace), stuck_patterns_open. Default range: the last 30 days.',
          querystring: metricSnapshotsQuerySchema,
          response: { 200: metricSnapshotsResponseSchema, ...errors },
        },
      },
      async (request) => listMetricSnapshots(request.ctx, request.query),
    );
  };

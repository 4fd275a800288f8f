import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  jobDetailResponseSchema,
  jobIdParamsSchema,
  jobResponseSchema,
  jobStatsQuerySchema,
  jobStatsResponseSchema,
  listDeadJobsQuerySchema,
  listJobsQuerySchema,
  listJobsResponseSchema,
  probeJobRequestSchema,
  probeJobResponseSchema,
  replayDeadRequestSchema,
  replayDeadResponseSchema,
  scheduleNameParamsSchema,
  scheduleResponseSchema,
  schedulesResponseSchema,
  updateScheduleRequestSchema,
} from '../../contracts/operations.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import {
  cancelJobRun,
  getJobRun,
  jobStats,
  listJobRuns,
  listSchedules,
  replayDeadRuns,
  retryJobRun,
  type SchedulerPort,
  updateSchedule,
} from '../../modules/operations/index.ts';
import type { AppDeps } from '../deps.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };

/** The Jobs page API (job runs, logs, dead letters, stats) and the org's schedules. */
export const jobsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { queue } = deps;
    const scheduler: SchedulerPort = {
      schedule: (name, cron, payload, opts) => queue.schedule(name, cron, payload, opts),
      unschedule: (name, key) => queue.unschedule(name, key),
      validateCron: (cron, tz) => queue.validateCron(cron, tz),
    };

    app.get(
      '/api/jobs',
      {
        config: { access: 'jobs.read' },
        schema: {
          tags: ['jobs'],
          summary: "The org's job runs, newest first",
          description:
            'Filters: `status` and `type` (one value or several, comma-separated), `storeId`, `from`/`to` (created time). Page with `nextCursor` as `cursor`. Live changes arrive on `/api/events` as `job.updated` events (one run) and `jobs.updated` events (`{ ids, type, status }`, a batch).',
          querystring: listJobsQuerySchema,
          response: { 200: listJobsResponseSchema, ...errors },
        },
      },
      async (request) => listJobRuns(request.ctx, request.query),
    );

    app.get(
      '/api/jobs/dead',
      {
        config: { access: 'jobs.read' },
        schema: {
          tags: ['jobs'],
          summary: 'The dead-letter queue: runs whose retries are exhausted',
          querystring: listDeadJobsQuerySchema,
          response: { 200: listJobsResponseSchema, ...errors },
        },
      },
      async (request) => listJobRuns(request.ctx, { ...request.query, status: ['dead'] }),
    );

    app.post(
      '/api/jobs/dead/replay',
      {
        config: { access: 'jobs.manage' },
        schema: {
          tags: ['jobs'],
          summary: 'Replay dead runs: the selected ids, or every dead run of a type (at most 500)',
          description:
            'Each run is sent again with the same id and payload and a fresh retry budget; attempts keep counting. With `ids`, all must be dead or nothing happens: 409 lists the others with their status (`details.conflicts`). Audited.',
          body: replayDeadRequestSchema,
          response: { 200: replayDeadResponseSchema, ...errors },
        },
      },
      async (request) => {
        const jobs = await replayDeadRuns(request.ctx, queue, request.body);
        return { replayed: jobs.length, jobs };
      },
    );

    app.post(
      '/api/jobs/probe',
      {
        config: { access: 'jobs.manage' },
        schema: {
          tags: ['jobs'],
          summary: 'Enqueue a probe job: checks that workers run; can be told to fail (to rehearse retry and replay)',
          description: 'A `jobs.probe` run with no retries: with `failAttempts: 1` it lands in the dead-letter queue and a replay then completes it.',
          body: probeJobRequestSchema,
          response: { 202: probeJobResponseSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { failAttempts, sleepMs, startAfterSeconds } = request.body;
        const id = await queue.enqueue(
          'jobs.probe',
          { failAttempts, sleepMs },
          { orgId: request.ctx.orgId, startAfter: Date.now() + startAfterSeconds * 1000 },
        );
        const { job } = await getJobRun(request.ctx, id);
        return reply.status(202).send({ job });
      },
    );

    app.get(
      '/api/jobs/stats',
      {
        config: { access: 'jobs.read' },
        schema: {
          tags: ['jobs'],
          summary: 'Per job type: depth, running, dead, throughput and failure rate over a window',
          querystring: jobStatsQuerySchema,
          response: { 200: jobStatsResponseSchema, ...errors },
        },
      },
      async (request) => jobStats(request.ctx, request.query.windowHours),
    );

    app.get(
      '/api/jobs/:jobId',
      {
        config: { access: 'jobs.read' },
        schema: {
          tags: ['jobs'],
          summary: 'One run with its log timeline (oldest first, at most 1,000 lines)',
          params: jobIdParamsSchema,
          response: { 200: jobDetailResponseSchema, ...errors },
        },
      },
      async (request) => getJobRun(request.ctx, request.params.jobId),
    );

    app.post(
      '/api/jobs/:jobId/retry',
      {
        config: { access: 'jobs.manage' },
        schema: {
          tags: ['jobs'],
          summary: 'Run a failed, dead or cancelled run again',
          description: 'Any other status answers 409 with `details.status` (the current one) and `details.allowed`. Audited.',
          params: jobIdParamsSchema,
          response: { 200: jobResponseSchema, ...errors },
        },
      },
      async (request) => ({ job: await retryJobRun(request.ctx, queue, request.params.jobId) }),
    );

    app.post(
      '/api/jobs/:jobId/cancel',
      {
        config: { access: 'jobs.manage' },
        schema: {
          tags: ['jobs'],
          summary: 'Cancel a queued or retrying run (it will not start)',
          description: 'A running, finished or already cancelled run answers 409 with `details.status`. Audited.',
          params: jobIdParamsSchema,
          response: { 200: jobResponseSchema, ...errors },
        },
      },
      async (request) => ({ job: await cancelJobRun(request.ctx, queue, request.params.jobId) }),
    );

    app.get(
      '/api/schedules',
      {
        config: { access: 'schedules.read' },
        schema: {
          tags: ['jobs'],
          summary: "The org's recurring jobs, in the org's time zone, with their next runs",
          description: 'Missed runs after downtime run once, not once per missed slot. Change the time zone in the org settings.',
          response: { 200: schedulesResponseSchema, ...errors },
        },
      },
      async (request) => ({ schedules: await listSchedules(request.ctx, scheduler) }),
    );

    app.put(
      '/api/schedules/:name',
      {
        config: { access: 'schedules.manage' },
        schema: {
          tags: ['jobs'],
          summary: 'Change a schedule: its cron expression and/or whether it is enabled',
          description: 'The cron has 5 fields (minute hour day-of-month month day-of-week) read in the org time zone; an invalid one is a 400. Audited.',
          params: scheduleNameParamsSchema,
          body: updateScheduleRequestSchema,
          response: { 200: scheduleResponseSchema, ...errors },
        },
      },
      async (request) => ({ schedule: await updateSchedule(request.ctx, scheduler, request.params.name, request.body) }),
    );
  };

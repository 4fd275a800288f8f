import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  agentDetailSchema,
  agentRunQueuedSchema,
  agentRunsQuerySchema,
  agentRunsResponseSchema,
  agentsListResponseSchema,
  updateAgentRequestSchema,
} from '../../contracts/agents.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import { isAppError } from '../../lib/errors.ts';
import { agentSchedulerFor, getAgent, listAgentRuns, listAgents, updateAgent } from '../../modules/agents/index.ts';
import type { AppDeps } from '../deps.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema, 409: errorBodySchema, 429: errorBodySchema };
const params = z.object({ agentId: z.string().min(1).max(100) });

/** The marketplace agents (docs/agents.md): registry, runs, rules and metrics, scoped to the caller's org. */
export const agentsRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const { queue } = deps;
    const scheduler = agentSchedulerFor(queue);
    /** Queued, or already queued (a CONFLICT on the singleton key): the queued run will do. */
    const enqueue = (promise: Promise<string>) =>
      promise
        .then((jobId) => ({ queued: true, jobId }))
        .catch((error: unknown) => {
          if (isAppError(error) && error.code === 'CONFLICT') return { queued: false, jobId: null };
          throw error;
        });

    app.get(
      '/api/orchestration/agents',
      {
        config: { access: 'agents.read' },
        schema: {
          tags: ['agents'],
          summary: "The org's marketplace agents: status, schedule, last run and metrics",
          description:
            'The master orchestrator (Nexo) and one agent per channel (seed 000), created with their defaults the first time they are read. Metrics cover the last 30 days: runs and tasks per day, approval rate, average estimated hours and the quality score (docs/agents.md).',
          response: { 200: agentsListResponseSchema, ...errors },
        },
      },
      async (request) => ({ agents: await listAgents(request.ctx) }),
    );

    app.post(
      '/api/orchestration/agents/run-all',
      {
        config: { access: 'agents.manage' },
        schema: {
          tags: ['agents'],
          summary: 'Run every enabled agent now (queued as an agents.daily job)',
          description:
            'Each channel agent runs isolated, then the master looks for cross-channel opportunities; approvers are notified once. 202 with the job id; `queued: false` when a run-all of this org is already queued.',
          response: { 202: agentRunQueuedSchema, ...errors },
        },
      },
      async (request, reply) => {
        const orgId = request.ctx.orgId;
        const result = await enqueue(queue.enqueue('agents.daily', { trigger: 'manual' }, { orgId }));
        return reply.status(202).send(result);
      },
    );

    app.get(
      '/api/orchestration/agents/:agentId',
      {
        config: { access: 'agents.read' },
        schema: {
          tags: ['agents'],
          summary: 'One agent: settings, knowledge base, rules with hit counts, recent runs',
          description: 'Rule hit counts add up the subjects each rule flagged over the agent\u2019s last 30 runs. An unknown agent id answers 404.',
          params,
          response: { 200: agentDetailSchema, ...errors },
        },
      },
      async (request) => getAgent(request.ctx, request.params.agentId),
    );

    app.patch(
      '/api/orchestration/agents/:agentId',
      {
        config: { access: 'agents.manage' },
        schema: {
          tags: ['agents'],
          summary: 'Enable/disable an agent, set its own cron, settings or knowledge base (audited)',
          description:
            '`schedule`: a 5-field cron in the org\u2019s time zone for the agent\u2019s own run, or null to run with the org\u2019s daily orchestration (the `agents.daily` schedule). `settings` and `knowledge` are merged key by key into the stored ones (`knowledge.thresholds` overrides rule thresholds by `<ruleId>.<threshold>` or threshold name). Unknown keys answer 400.',
          params,
          body: updateAgentRequestSchema,
          response: { 200: agentDetailSchema, ...errors },
        },
      },
      async (request) => updateAgent(request.ctx, scheduler, request.params.agentId, request.body),
    );

    app.post(
      '/api/orchestration/agents/:agentId/run',
      {
        config: { access: 'agents.manage' },
        schema: {
          tags: ['agents'],
          summary: 'Run one agent now (queued as an agents.run job)',
          description:
            'Runs even when the agent is disabled. The run appears in `GET /api/orchestration/agents/:agentId/runs` as soon as it starts; a second run of the same agent while one is running is recorded as skipped.',
          params,
          response: { 202: agentRunQueuedSchema, ...errors },
        },
      },
      async (request, reply) => {
        const { orgId } = request.ctx;
        const agent = await getAgent(request.ctx, request.params.agentId);
        const result = await enqueue(queue.enqueue('agents.run', { agentId: agent.id, trigger: 'manual' }, { orgId }));
        return reply.status(202).send(result);
      },
    );

    app.get(
      '/api/orchestration/agents/:agentId/runs',
      {
        config: { access: 'agents.read' },
        schema: {
          tags: ['agents'],
          summary: "An agent's runs, newest first",
          description:
            'Each run: trigger, status, proposals found, tasks created, what was left out (duplicate, rejected in the last 30 days, over the daily cap, below minImpact), rule hits, mode and error.',
          params,
          querystring: agentRunsQuerySchema,
          response: { 200: agentRunsResponseSchema, ...errors },
        },
      },
      async (request) => ({ runs: await listAgentRuns(request.ctx, request.params.agentId, request.query.limit) }),
    );
  };

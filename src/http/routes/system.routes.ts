import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { errorBodySchema, livenessSchema, type Readiness, readinessSchema, systemInfoSchema } from '../../contracts/system.ts';
import { pingDatabase } from '../../db/client.ts';
import { within } from '../../lib/within.ts';
import type { AppDeps } from '../deps.ts';

const CHECK_TIMEOUT_MS = 2000;

async function check(run: () => Promise<unknown>): Promise<Readiness['checks']['database']> {
  const started = performance.now();
  try {
    await within(run(), CHECK_TIMEOUT_MS);
    return { ok: true, latencyMs: Math.round((performance.now() - started) * 100) / 100 };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
  }
}

function llmInfo({ llm, config }: AppDeps) {
  if (!llm) return { configured: false, model: null, baseUrlHost: null, breaker: null };
  const status = llm.status?.();
  return {
    configured: true,
    model: llm.model,
    baseUrlHost: status?.baseUrlHost ?? (config.llm ? new URL(config.llm.baseUrl).host : null),
    breaker: status?.breaker ?? null,
  };
}

export const systemRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const startedAt = Date.now();
    const uptimeSeconds = () => Math.round((Date.now() - startedAt) / 1000);

    app.get(
      '/healthz',
      {
        logLevel: 'warn',
        config: { access: 'public' },
        schema: { tags: ['system'], summary: 'Liveness: the process is up', response: { 200: livenessSchema } },
      },
      async () => ({ status: 'ok' as const, uptimeSeconds: uptimeSeconds() }),
    );

    app.get(
      '/readyz',
      {
        logLevel: 'warn',
        config: { access: 'public' },
        schema: {
          tags: ['system'],
          summary: 'Readiness: database and job engine reachable',
          description: 'Answers 503 with the same body, naming the failing check, while a dependency is down; recovers by itself.',
          response: { 200: readinessSchema, 503: readinessSchema },
        },
      },
      async (_request, reply) => {
        const [database, queue] = await Promise.all([check(() => pingDatabase(deps.database, CHECK_TIMEOUT_MS)), check(() => deps.queue.ping())]);
        const ready = database.ok && queue.ok;
        return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', checks: { database, queue } });
      },
    );

    app.get(
      '/metrics',
      { logLevel: 'warn', config: { access: 'public' }, schema: { tags: ['system'], summary: 'Prometheus metrics (text exposition format)' } },
      async (_request, reply) => {
        const body = await deps.metrics.registry.metrics();
        return reply.type(deps.metrics.registry.contentType).send(body);
      },
    );

    app.get(
      '/api/system/info',
      {
        config: { access: 'system.read' },
        schema: {
          tags: ['system'],
          summary: 'What this Nexo process is',
          description:
            '`llm` tells whether LLM mode is configured (NEXO_LLM_BASE_URL + NEXO_LLM_MODEL): the model, the base URL host and the state of its circuit breaker ' +
            '(`open`: calls are not made and agents use their rule packs until a trial call succeeds). The API key is never shown.',
          response: { 200: systemInfoSchema, 401: errorBodySchema, 403: errorBodySchema },
        },
      },
      async () => ({
        name: 'nexo' as const,
        version: deps.version,
        mode: deps.config.mode,
        database: deps.database.kind,
        node: process.version,
        uptimeSeconds: uptimeSeconds(),
        workers: deps.config.queue.workers,
        llm: llmInfo(deps),
      }),
    );
  };

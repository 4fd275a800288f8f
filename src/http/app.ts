import { existsSync } from 'node:fs';
import cors from '@fastify/cors';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import scalar from '@scalar/fastify-api-reference';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { emptyHealthSources } from '../modules/operations/index.ts';
import type { AppDeps } from './deps.ts';
import { registerAuth } from './plugins/auth.ts';
import { registerErrorHandling, sendError } from './plugins/errors.ts';
import { requestIdFor } from './plugins/request-id.ts';
import { registerSecurityHeaders } from './plugins/security-headers.ts';
import { createSseHub } from './plugins/sse.ts';
import { agentsRoutes } from './routes/agents.routes.ts';
import { alertsRoutes } from './routes/alerts.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { catalogRoutes } from './routes/catalog.routes.ts';
import { connectorsRoutes } from './routes/connectors.routes.ts';
import { eventsRoutes } from './routes/events.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { identityAdminRoutes } from './routes/identity-admin.routes.ts';
import { jobsRoutes } from './routes/jobs.routes.ts';
import { notificationsRoutes } from './routes/notifications.routes.ts';
import { ordersRoutes } from './routes/orders.routes.ts';
import { plansRoutes } from './routes/plans.routes.ts';
import { storesRoutes } from './routes/stores.routes.ts';
import { systemRoutes } from './routes/system.routes.ts';
import { tasksRoutes } from './routes/tasks.routes.ts';
import { webhooksRoutes } from './routes/webhooks.routes.ts';

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    genReqId: requestIdFor,
    bodyLimit: config.http.bodyLimit,
    trustProxy: config.http.trustProxy,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  registerSecurityHeaders(app);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpDuration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  if (config.http.corsOrigins.length > 0) {
    await app.register(cors, { origin: config.http.corsOrigins, credentials: true });
  }

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Nexo API',
        version: deps.version,
        description: 'Multi-marketplace orchestration: tasks, jobs, stores, catalog, inventory and orders. Errors are `{ error, code, details?, requestId }`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token: nexo_<agt|int|pat>_<id>_<secret>' },
          session: { type: 'apiKey', in: 'cookie', name: 'nexo_session', description: 'Set by POST /api/auth/login; writes also need the X-CSRF-Token header' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
      tags: [
        { name: 'system', description: 'Liveness, readiness, metrics and process info' },
        { name: 'events', description: 'The live event stream (Server-Sent Events)' },
        { name: 'auth', description: 'Sessions for people: sign in, out, password, two-factor' },
        { name: 'org', description: 'The current org and its settings' },
        { name: 'members', description: 'Members, roles and invitations' },
        { name: 'tokens', description: 'API tokens for agents, integrations and scripts' },
        { name: 'audit', description: 'The append-only audit log' },
        { name: 'tasks', description: 'Task orchestration (seed 000): agents propose, people approve, assign and complete' },
        { name: 'jobs', description: 'Background jobs: runs with their logs, retries, dead letters, stats and schedules' },
        { name: 'health', description: 'System health, stuck patterns with recommendations and fixes, daily metric snapshots' },
        { name: 'notifications', description: 'In-app notifications, notification channels (Slack, e-mail, signed webhooks) and their delivery logs' },
        { name: 'alerts', description: 'Alert rules with per-org thresholds, and the alerts they open and resolve' },
        { name: 'stores', description: 'Connected channel accounts: rate limits and circuit breakers' },
        { name: 'connectors', description: 'Channel connectors and their capability matrix' },
        {
          name: 'webhooks',
          description:
            "Inbound channel webhooks (signed by the channel) and Mercado Livre's app-wide notifications (unsigned hints, re-fetched with the store's token); exempt from the per-IP rate limit",
        },
        { name: 'catalog', description: 'Products, variants, stock per store and listings per channel, as read from the channels' },
        { name: 'orders', description: 'Unified orders from every channel, with their lines' },
        {
          name: 'plans',
          description:
            'Analysis plans (seed 002): upload a report, a plan per channel (rules or the configured model), approve it and its Phase 1 becomes tasks exactly once',
        },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(scalar, { routePrefix: '/docs', configuration: { url: '/openapi.json' }, logLevel: 'warn' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const webDir = deps.webDir;
  const serveWeb = webDir !== undefined && existsSync(`${webDir}/index.html`);
  if (serveWeb) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false, index: false, maxAge: '1h', immutable: false });
  }

  // From here on every route must declare its access (docs, spec and static files above are public).
  registerAuth(app, deps);

  const sse = createSseHub(deps.bus, deps.database, config.http.sseHeartbeatMs);
  await sse.ready;
  app.addHook('preClose', async () => sse.closeAll());

  await app.register(systemRoutes(deps));
  await app.register(eventsRoutes(deps, sse));
  await app.register(authRoutes(deps));
  await app.register(identityAdminRoutes(deps));
  await app.register(tasksRoutes(deps));
  await app.register(jobsRoutes(deps));
  await app.register(storesRoutes(deps));
  await app.register(notificationsRoutes());
  await app.register(healthRoutes(deps, deps.healthSources ?? emptyHealthSources));
  await app.register(alertsRoutes(deps));
  await app.register(agentsRoutes(deps));
  await app.register(connectorsRoutes());
  await app.register(catalogRoutes());
  await app.register(ordersRoutes());
  await app.register(plansRoutes(deps));
  await app.register(webhooksRoutes(deps));
  app.setNotFoundHandler((request, reply) => {
    const isApi = /^\/(api|metrics|healthz|readyz|openapi\.json|docs)(\/|$|\?)/.test(request.url);
    if (serveWeb && request.method === 'GET' && !isApi && (request.headers.accept ?? '').includes('text/html')) {
      return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
    }
    return sendError(request, reply, 404, 'NOT_FOUND', `Route ${request.method} ${request.url.split('?')[0]} not found`);
  });

  return app;
}

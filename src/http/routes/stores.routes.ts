import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createStoreRequestSchema,
  oauthCallbackQuerySchema,
  oauthStartQuerySchema,
  storeIdParamsSchema,
  storeLimitsResponseSchema,
  storeSchema,
  storesListSchema,
  syncStoreQuerySchema,
  syncStoreResponseSchema,
  testConnectionResponseSchema,
  updateStoreRequestSchema,
  webhookEventsResponseSchema,
} from '../../contracts/stores.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import type { Tx } from '../../db/client.ts';
import { isAppError } from '../../lib/errors.ts';
import {
  completeOAuthInstall,
  connectStore,
  createStoreLimits,
  getStoreView,
  listBreakers,
  listStoreViews,
  listWebhookEvents,
  requestStoreSync,
  startOAuthInstall,
  storeLimits,
  testStoreConnection,
  transitionStore,
  updateStore,
} from '../../modules/stores/index.ts';
import type { AppDeps } from '../deps.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const writeErrors = { ...errors, 409: errorBodySchema, 422: errorBodySchema };

/** Stores: connected channel accounts (key entry and OAuth installs), their health, rate limits and circuit breakers. */
export const storesRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const limits = deps.storeLimits ?? createStoreLimits({ ...deps.config.resilience, metrics: deps.metrics });
    if (!deps.storeLimits) app.addHook('onClose', async () => limits.shutdown());
    const secrets = { secretKey: deps.auth.secretKey };
    const oauthDeps = { ...secrets, channels: deps.config.channels };
    /** A full sync right after a store is connected (a failure to enqueue never undoes the connection: the schedule catches up). */
    const syncNow = (orgId: string, storeId: string) =>
      deps.queue
        .enqueue('stores.sync', { orgId, storeId, mode: 'full' }, { orgId, storeId })
        .catch((error) => deps.log.warn({ err: error, storeId }, 'could not queue the first sync'));
    const callbackUrl = (request: { protocol: string; headers: { host?: string } }, platform: string) =>
      `${(deps.config.http.publicUrl ?? `${request.protocol}://${request.headers.host}`).replace(/\/+$/, '')}/api/stores/oauth/${platform}/callback`;

    app.get(
      '/api/stores',
      {
        config: { access: 'stores.read' },
        schema: { tags: ['stores'], summary: "The org's connected stores (credentials are never returned)", response: { 200: storesListSchema, ...errors } },
      },
      async (request) => ({ stores: await listStoreViews(request.ctx) }),
    );

    app.post(
      '/api/stores',
      {
        config: { access: 'stores.manage' },
        schema: {
          tags: ['stores'],
          summary: 'Connect a store by key entry',
          description:
            "The credentials are validated by the connector's credentialsSchema, encrypted with AES-256-GCM (org and store id as associated data) and never returned, logged or audited: responses list only which credential fields are set. Channels with an OAuth install (Shopify) use GET /api/stores/oauth/{platform}/start instead.",
          body: createStoreRequestSchema,
          response: { 201: storeSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const store = await connectStore(request.ctx, secrets, request.body);
        await syncNow(request.ctx.orgId, store.id);
        return reply.status(201).send(store);
      },
    );

    app.get(
      '/api/stores/oauth/shopify/start',
      {
        config: { access: 'stores.manage' },
        schema: {
          tags: ['stores'],
          summary: "Install Nexo on a Shopify shop: redirects to the shop's OAuth authorize page",
          description:
            'Sets a random `state` bound to the org, the signed-in person and the shop, valid for 10 minutes and usable once. Needs SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET (422 otherwise).',
          querystring: oauthStartQuerySchema,
          response: { 302: z.null(), ...writeErrors },
        },
      },
      async (request, reply) => {
        const url = await startOAuthInstall(request.ctx, oauthDeps, {
          platform: 'shopify',
          shop: request.query.shop,
          ...(request.query.name ? { name: request.query.name } : {}),
          redirectUri: callbackUrl(request, 'shopify'),
        });
        return reply.redirect(url, 302);
      },
    );

    app.get(
      '/api/stores/oauth/shopify/callback',
      {
        config: { access: 'stores.manage' },
        schema: {
          tags: ['stores'],
          summary: 'Where Shopify sends the merchant back: verifies hmac and state, exchanges the code, connects the store',
          description:
            'Redirects to the Stores page: `/stores?connected=<storeId>` on success, `/stores?oauthError=<reason>` when the callback is refused (bad hmac, unknown, expired or reused state, another shop).',
          querystring: oauthCallbackQuerySchema,
          response: { 302: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        try {
          const { store } = await completeOAuthInstall(request.ctx, oauthDeps, {
            platform: 'shopify',
            query: request.query,
            redirectUri: callbackUrl(request, 'shopify'),
          });
          await syncNow(request.ctx.orgId, store.id);
          return reply.redirect(`/stores?connected=${store.id}`, 302);
        } catch (error) {
          if (!isAppError(error) || error.code === 'INTERNAL') throw error;
          request.log.warn({ code: error.code, reason: error.message }, 'shopify install callback refused');
          return reply.redirect(`/stores?oauthError=${encodeURIComponent(error.message)}`, 302);
        }
      },
    );

    app.get(
      '/api/stores/:storeId',
      {
        config: { access: 'stores.read' },
        schema: {
          tags: ['stores'],
          summary: 'One store (credentials are never returned)',
          params: storeIdParamsSchema,
          response: { 200: storeSchema, ...errors },
        },
      },
      async (request) => getStoreView(request.ctx, request.params.storeId),
    );

    app.patch(
      '/api/stores/:storeId',
      {
        config: { access: 'stores.manage' },
        schema: {
          tags: ['stores'],
          summary: "Edit a store: name, sync interval, priority, the connector's settings, credentials or webhook secrets (rotation)",
          params: storeIdParamsSchema,
          body: updateStoreRequestSchema,
          response: { 200: storeSchema, ...writeErrors },
        },
      },
      async (request) => updateStore(request.ctx, secrets, request.params.storeId, request.body),
    );

    for (const action of ['pause', 'resume', 'disconnect'] as const) {
      app.post(
        `/api/stores/:storeId/${action}`,
        {
          config: { access: 'stores.manage' },
          schema: {
            tags: ['stores'],
            summary:
              action === 'pause'
                ? 'Pause a store: no syncs or channel calls until resumed'
                : action === 'resume'
                  ? 'Resume a paused store'
                  : 'Disconnect a store: its credentials and webhook secrets are wiped (its data stays)',
            params: storeIdParamsSchema,
            response: { 200: storeSchema, ...writeErrors },
          },
        },
        async (request) => transitionStore(request.ctx, request.params.storeId, action),
      );
    }

    app.post(
      '/api/stores/:storeId/sync',
      {
        config: { access: 'stores.manage' },
        schema: {
          tags: ['stores'],
          summary: "Sync now: queue the store's read-side sync (products, listings, stock, then orders)",
          description:
            "Answers 202 with the `stores.sync` job id (follow it at GET /api/jobs/{id}; the store's `sync` field shows the checkpoint while it runs). 409 with `details.reason`: `store_paused`, `store_disconnected` or `store_error` when the store is not active, `sync_in_progress` (with the `jobId` when known) when a sync of the store is already queued, running or retrying.",
          params: storeIdParamsSchema,
          querystring: syncStoreQuerySchema,
          response: { 202: syncStoreResponseSchema, ...writeErrors },
        },
      },
      async (request, reply) => {
        const enqueue = (tx: Tx, job: { orgId: string; storeId: string; mode: 'full' | 'incremental' }) =>
          deps.queue.enqueue('stores.sync', job, { tx, orgId: job.orgId, storeId: job.storeId });
        const queued = await requestStoreSync(request.ctx, enqueue, request.params.storeId, request.query.mode);
        return reply.status(202).send(queued);
      },
    );

    app.post(
      '/api/stores/:storeId/test',
      {
        config: { access: 'stores.manage' },
        schema: {
          tags: ['stores'],
          summary: "Test the connection: one cheap authenticated call through the store's breaker and rate limiter",
          description: 'A channel refusal is `ok: false` with the reason (never a credential); 429 when the breaker is open or the bucket is empty.',
          params: storeIdParamsSchema,
          response: { 200: testConnectionResponseSchema, ...writeErrors, 429: errorBodySchema },
        },
      },
      async (request) => testStoreConnection(request.ctx, { ...secrets, limits }, request.params.storeId),
    );

    app.get(
      '/api/stores/:storeId/webhook-events',
      {
        config: { access: 'stores.read' },
        schema: {
          tags: ['stores'],
          summary: "The store's latest inbound webhook events (newest first) and what processing did with each",
          params: storeIdParamsSchema,
          response: { 200: webhookEventsResponseSchema, ...errors },
        },
      },
      async (request) => ({ events: (await listWebhookEvents(request.ctx, request.params.storeId)) as z.infer<typeof webhookEventsResponseSchema>['events'] }),
    );

    app.get(
      '/api/stores/:storeId/limits',
      {
        config: { access: 'system.read' },
        schema: {
          tags: ['stores'],
          summary: "A store's rate-limit buckets and circuit breakers, as every worker process sees them",
          params: storeIdParamsSchema,
          response: { 200: storeLimitsResponseSchema, ...errors },
        },
      },
      async (request) => {
        const limits = await storeLimits(request.ctx, request.params.storeId, deps.config.resilience.rateHeadroom);
        const breakers = (await listBreakers(request.ctx, { storeId: request.params.storeId })).map(({ storeId: _s, storeName: _n, platform: _p, ...b }) => b);
        return { ...limits, breakers, breakerEnabled: deps.config.resilience.breakerEnabled };
      },
    );
  };

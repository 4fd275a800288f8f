import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createStoreRequestSchema,
  feedExportQuerySchema,
  feedFileParamsSchema,
  feedUploadRequestSchema,
  feedUploadResponseSchema,
  mlOauthStartQuerySchema,
  oauthCallbackQuerySchema,
  oauthStartQuerySchema,
  shopeeOauthStartQuerySchema,
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
  exportStoreStockFeed,
  getStoreView,
  importStoreFeed,
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
/** Feed files travel as text inside JSON: allow more than the default body limit. */
const FEED_UPLOAD_BODY_LIMIT = 16 * 1024 * 1024;

/** Stores: connected channel accounts (key entry and OAuth installs), their health, rate limits and circuit breakers. */
export const storesRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    const limits = deps.storeLimits ?? createStoreLimits({ ...deps.config.resilience, metrics: deps.metrics });
    if (!deps.storeLimits) app.addHook('onClose', async () => limits.shutdown());
    const secrets = { secretKey: deps.auth.secretKey, feeds: deps.config.feeds };
    const oauthDeps = { ...secrets, channels: deps.config.channels };
    /**
     * Right after a store is connected: its webhook subscriptions and a full sync (a failure to enqueue never undoes
     * the connection: the schedule catches up).
     */
    const afterConnect = async (orgId: string, storeId: string) => {
      const warn = (job: string) => (error: unknown) => deps.log.warn({ err: error, storeId }, `could not queue ${job}`);
      await deps.queue.enqueue('stores.subscribe-webhooks', { orgId, storeId }, { orgId, storeId }).catch(warn('stores.subscribe-webhooks'));
      await deps.queue.enqueue('stores.sync', { orgId, storeId, mode: 'full' }, { orgId, storeId }).catch(warn('stores.sync'));
    };
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
        await afterConnect(request.ctx.orgId, store.id);
        return reply.status(201).send(store);
      },
    );

    const installs = [
      {
        platform: 'shopify',
        name: 'Shopify',
        querystring: oauthStartQuerySchema,
        summary: "Install Nexo on a Shopify shop: redirects to the shop's OAuth authorize page",
        needs: 'SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET',
        refused: 'bad hmac, unknown, expired or reused state, another shop',
      },
      {
        platform: 'mercadolivre',
        name: 'Mercado Livre',
        querystring: mlOauthStartQuerySchema,
        summary: "Connect a Mercado Livre seller: redirects to Mercado Livre's authorization page",
        needs: 'MERCADOLIVRE_CLIENT_ID and MERCADOLIVRE_CLIENT_SECRET',
        refused: 'the seller declined, unknown, expired or reused state, a code ML refuses',
      },
      {
        platform: 'shopee',
        name: 'Shopee',
        querystring: shopeeOauthStartQuerySchema,
        summary: "Authorize Nexo's Shopee partner app on a shop: redirects to Shopee's signed auth_partner link (valid 5 minutes)",
        needs: 'SHOPEE_PARTNER_ID and SHOPEE_PARTNER_KEY',
        refused: 'unknown, expired or reused state, a spent code; Shopee passes no state back, so it rides in the redirect URL',
      },
      {
        platform: 'tiktokshop',
        name: 'TikTok Shop',
        querystring: oauthStartQuerySchema.pick({ name: true }),
        summary: "Connect a TikTok Shop seller: redirects to the app's service authorization link (the seller picks the shop)",
        needs: 'TIKTOKSHOP_APP_KEY and TIKTOKSHOP_APP_SECRET (and TIKTOKSHOP_SERVICE_ID for the service link)',
        refused: 'unknown, expired or reused state, a code TikTok Shop refuses',
      },
    ] as const;
    for (const install of installs) {
      app.get(
        `/api/stores/oauth/${install.platform}/start`,
        {
          config: { access: 'stores.manage' },
          schema: {
            tags: ['stores'],
            summary: install.summary,
            description: `Sets a random \`state\` bound to the org, the signed-in person${install.platform === 'shopify' ? ' and the shop' : ''}, valid for 10 minutes and usable once. Needs ${install.needs} (422 otherwise).`,
            querystring: install.querystring,
            response: { 302: z.null(), ...writeErrors },
          },
        },
        async (request, reply) => {
          const query = request.query as { shop?: string; name?: string };
          const url = await startOAuthInstall(request.ctx, oauthDeps, {
            platform: install.platform,
            ...(query.shop ? { shop: query.shop } : {}),
            ...(query.name ? { name: query.name } : {}),
            redirectUri: callbackUrl(request, install.platform),
          });
          return reply.redirect(url, 302);
        },
      );

      app.get(
        `/api/stores/oauth/${install.platform}/callback`,
        {
          config: { access: 'stores.manage' },
          schema: {
            tags: ['stores'],
            summary: `Where ${install.name} sends the person back: verifies the callback and state, exchanges the code, connects the store`,
            description: `Redirects to the Stores page: \`/stores?connected=<storeId>\` on success, \`/stores?oauthError=<reason>\` when the callback is refused (${install.refused}). The credentials are sealed (AES-256-GCM) and never returned${install.platform === 'mercadolivre' ? '; Mercado Livre rotates the refresh token on every refresh, and each rotation is written to the store before the new token is used' : ''}.`,
            querystring: oauthCallbackQuerySchema,
            response: { 302: z.null(), ...errors },
          },
        },
        async (request, reply) => {
          try {
            const { store } = await completeOAuthInstall(request.ctx, oauthDeps, {
              platform: install.platform,
              query: request.query,
              redirectUri: callbackUrl(request, install.platform),
            });
            await afterConnect(request.ctx.orgId, store.id);
            return reply.redirect(`/stores?connected=${store.id}`, 302);
          } catch (error) {
            if (!isAppError(error) || error.code === 'INTERNAL') throw error;
            request.log.warn({ code: error.code, reason: error.message }, `${install.platform} install callback refused`);
            return reply.redirect(`/stores?oauthError=${encodeURIComponent(error.message)}`, 302);
          }
        },
      );
    }

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
      async (request) => testStoreConnection(request.ctx, { ...secrets, limits, channels: deps.config.channels }, request.params.storeId),
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

    app.post(
      '/api/stores/:storeId/feeds/:kind',
      {
        config: { access: 'stores.manage' },
        bodyLimit: FEED_UPLOAD_BODY_LIMIT,
        schema: {
          tags: ['stores'],
          summary: 'Upload a feed file (products, stock or orders; CSV or JSON) into a Kaway store',
          description:
            "The file (at most 16 MB of text) is validated row by row before anything is written; the import is one transaction. A bad row refuses the whole file: 400 `VALIDATION` with `details.reason = 'invalid_rows'` and `details.errors = [{ row, column, message }]` (the spreadsheet row for CSV, header = row 1; the item number for JSON), unless the store's `partialImport` is on (then the good rows are imported and the bad ones are listed in `errors`). Stock rows for SKUs the store does not list: `details.reason = 'unknown_skus'`. Other stores: `details.reason = 'not_a_feed_store'`. The format (csv/json) is detected when not given. Columns: docs/connectors.md \"Kaway\".",
          params: feedFileParamsSchema,
          body: feedUploadRequestSchema,
          response: { 200: feedUploadResponseSchema, ...writeErrors },
        },
      },
      async (request) => importStoreFeed(request.ctx, request.params.storeId, request.params.kind, request.body),
    );

    app.get(
      '/api/stores/:storeId/feeds/stock/export',
      {
        config: { access: 'stores.read' },
        schema: {
          tags: ['stores'],
          summary: 'Download the stock file Kaway ingests (sku, quantity), from the stock Nexo holds for the store',
          description:
            "An attachment in the feed format v1 (CSV or JSON; the store's uploadFormat when `format` is left out). Upload it in Kaway's seller panel, or let push_inventory PUT it to the store's stockUploadUrl.",
          params: storeIdParamsSchema,
          querystring: feedExportQuerySchema,
          response: errors,
        },
      },
      async (request, reply) => {
        const file = await exportStoreStockFeed(request.ctx, request.params.storeId, request.query.format);
        return reply
          .header('content-type', file.format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${file.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
          .send(file.body as never); // a file, not a JSON body: no response schema to serialize it with
      },
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

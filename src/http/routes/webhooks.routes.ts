import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { webhookPathParamsSchema, webhookReceivedSchema } from '../../contracts/stores.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import type { Tx } from '../../db/client.ts';
import { receiveWebhook } from '../../modules/stores/index.ts';
import type { AppDeps } from '../deps.ts';

const WEBHOOK_BODY_LIMIT = 2 * 1024 * 1024;

/**
 * Inbound channel webhooks. Encapsulated so that, for this route only, every body is kept as the exact
 * bytes received (signatures are computed over them; a re-serialised JSON body would not verify).
 */
export const webhooksRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));
    const receiveDeps = {
      secretKey: deps.auth.secretKey,
      channels: deps.config.channels,
      enqueue: (tx: Tx, job: { orgId: string; storeId: string; webhookEventId: string }) =>
        deps.queue.enqueue('webhooks.process', job, { tx, orgId: job.orgId, storeId: job.storeId }),
    };

    app.post(
      '/api/webhooks/:platform/:storeId',
      {
        config: { access: 'public' },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: {
          tags: ['webhooks'],
          summary: 'Inbound webhook from a channel (signed by the channel; no Nexo credentials)',
          description:
            "The signature is checked over the raw body with every active secret of the store (constant time; missing or wrong → 401), the channel account must be the store's (another store's or org's → 404), and the event is stored once per channel event id (a retried delivery answers 200 with `duplicate: true`) and processed by the `webhooks.process` job.",
          params: webhookPathParamsSchema,
          response: { 200: webhookReceivedSchema, 400: errorBodySchema, 401: errorBodySchema, 404: errorBodySchema, 413: errorBodySchema },
        },
      },
      async (request) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const result = await receiveWebhook(deps.database.db, receiveDeps, {
          platform: request.params.platform,
          storeId: request.params.storeId,
          rawBody,
          headers: request.headers,
          now: new Date(),
          // The URL the channel was told to call (Shopee signs it with the body): the public URL when configured.
          url: `${(deps.config.http.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/+$/, '')}${request.url}`,
        });
        return { received: true as const, ...result };
      },
    );
  };

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { appNotificationReceivedSchema, webhookPathParamsSchema, webhookReceivedSchema } from '../../contracts/stores.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import type { Tx } from '../../db/client.ts';
import { receiveAppNotification, receiveWebhook } from '../../modules/stores/index.ts';
import type { AppDeps } from '../deps.ts';

const WEBHOOK_BODY_LIMIT = 2 * 1024 * 1024;
/** An ML notification is a few hundred bytes. */
const NOTIFICATION_BODY_LIMIT = 64 * 1024;

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
        config: { access: 'public', exemptFromIpRateLimit: true },
        bodyLimit: WEBHOOK_BODY_LIMIT,
        schema: {
          tags: ['webhooks'],
          summary: 'Inbound webhook from a channel (signed by the channel; no Nexo credentials)',
          description:
            "Not counted against the per-IP rate limit (channels send bursts from a few addresses); the body is limited to 2 MiB and the signature is checked before anything is stored. The signature is checked over the raw body with every active secret of the store (constant time; missing or wrong → 401), the channel account must be the store's (another store's or org's → 404), and the event is stored once per channel event id (a retried delivery answers 200 with `duplicate: true`) and processed by the `webhooks.process` job.",
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

    app.post(
      '/api/webhooks/mercadolivre',
      {
        config: { access: 'public', exemptFromIpRateLimit: true },
        bodyLimit: NOTIFICATION_BODY_LIMIT,
        schema: {
          tags: ['webhooks'],
          summary: "Mercado Livre notifications: the one callback URL of Nexo's Mercado Livre application (set it in ML's DevCenter)",
          description:
            "ML posts unsigned `{ _id, resource, user_id, topic, application_id, attempts, sent, received }` for every seller of the application and wants a 200 within 500 ms. Nothing in it is trusted: it must name this deployment's application (MERCADOLIVRE_CLIENT_ID) and a connected seller (`user_id` = the store's external id, in any org), is stored once per store and event (`_id`; a redelivery is not stored again), and the `webhooks.process` job re-fetches `/items/{id}` or `/orders/{id}` with that store's own token and upserts what ML answers. An unknown seller or another application is ignored and logged, with the same 200 answer as a stored or duplicate one (ML would otherwise retry, and an unsigned caller learns nothing about which sellers are connected); a malformed body is 400. Not counted against the per-IP rate limit; body limited to 64 KiB.",
          response: { 200: appNotificationReceivedSchema, 400: errorBodySchema, 413: errorBodySchema },
        },
      },
      async (request) => {
        const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const outcome = await receiveAppNotification(deps.database.db, receiveDeps, { platform: 'mercadolivre', rawBody, now: new Date() });
        if ('ignored' in outcome) request.log.info({ eventId: outcome.eventId, reason: outcome.ignored }, 'mercado livre notification ignored');
        else request.log.debug({ eventId: outcome.eventId, stores: outcome.stores, duplicate: outcome.duplicate }, 'mercado livre notification stored');
        return { received: true as const };
      },
    );
  };

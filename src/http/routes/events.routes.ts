import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema, testEventRequestSchema, testEventResponseSchema } from '../../contracts/system.ts';
import { actorUserId } from '../../db/context.ts';
import { authenticateToken, resolveSession } from '../../modules/tenancy/index.ts';
import type { AppDeps } from '../deps.ts';
import type { SseHub, StreamOwner } from '../plugins/sse.ts';

const lastEventIdSchema = z.string().regex(/^\d{1,19}$/, { error: 'expected the numeric id of a previous event' });

export const eventsRoutes =
  (deps: AppDeps, sse: SseHub): FastifyPluginAsyncZod =>
  async (app) => {
    app.get(
      '/api/events',
      {
        config: { access: 'events.read' },
        schema: {
          tags: ['events'],
          summary: 'Live event stream (Server-Sent Events)',
          description:
            'Each message has `id`, `event` (the type) and `data` (JSON: id, type, orgId, payload, createdAt). A comment heartbeat is sent every NEXO_SSE_HEARTBEAT_SECONDS. Reconnect with the `Last-Event-ID` header (or `?lastEventId=`) to replay what was missed within the retention window.',
          headers: z.object({ 'last-event-id': lastEventIdSchema.optional() }),
          querystring: z.object({ lastEventId: lastEventIdSchema.optional() }),
          response: { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
        },
      },
      async (request, reply) => {
        const lastEventId = request.headers['last-event-id'] ?? request.query.lastEventId;
        const { ctx, session } = request;
        const bearer = request.headers.authorization?.replace(/^Bearer /, '');
        const owner: StreamOwner = {
          ...(session ? { sessionId: session.sessionId } : {}),
          ...(ctx.actor.type === 'token' ? { tokenId: ctx.actor.tokenId } : {}),
          userId: actorUserId(ctx.actor),
          // Re-checked at each heartbeat: an expired session or token ends the stream.
          revalidate: async () => {
            const now = new Date();
            if (session) return (await resolveSession(deps.database.db, deps.auth, session.token, now))?.orgId === ctx.orgId;
            const token = bearer ? await authenticateToken(deps.database.db, bearer, deps.envTokens, now) : null;
            return token?.permissions.includes('events.read') === true;
          },
        };
        reply.hijack();
        // Only the caller's org's events: the scope comes from the credential.
        await sse.stream(reply.raw, { orgId: ctx.orgId }, owner, lastEventId);
      },
    );

    app.post(
      '/api/events/test',
      {
        config: { access: 'events.test' },
        schema: {
          tags: ['events'],
          summary: 'Publish a system.test event (proves the event wire end to end)',
          body: testEventRequestSchema,
          response: { 202: testEventResponseSchema, 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema },
        },
      },
      async (request, reply) => {
        const message = await deps.bus.publish(deps.database.db, request.ctx.orgId, 'system.test', {
          message: request.body.message,
          requestId: request.id,
        });
        return reply.status(202).send({ id: message.id, type: 'system.test' as const });
      },
    );
  };

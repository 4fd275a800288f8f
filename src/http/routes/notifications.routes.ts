import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema } from '../../contracts/system.ts';
import { markNotificationsReadRequestSchema, notificationsResponseSchema } from '../../contracts/tasks.ts';
import { actorUserId } from '../../db/context.ts';
import { listNotifications, markNotificationsRead } from '../../modules/alerts/index.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };

/** The signed-in person's in-app notifications (the bell). */
export const notificationsRoutes = (): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/notifications',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['notifications'], summary: 'Your latest notifications and the unread count', response: { 200: notificationsResponseSchema, ...errors } },
    },
    async (request) => listNotifications(request.ctx, actorUserId(request.ctx.actor) as string),
  );
  app.post(
    '/api/notifications/read',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'Mark notifications read (`ids`, or `all: true`)',
        body: markNotificationsReadRequestSchema,
        response: { 204: z.null(), ...errors },
      },
    },
    async (request, reply) => {
      await markNotificationsRead(request.ctx, actorUserId(request.ctx.actor) as string, request.body);
      return reply.status(204).send(null);
    },
  );
};

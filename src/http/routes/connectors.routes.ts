import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { connectorsListSchema } from '../../contracts/connectors.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import { listConnectors } from '../../modules/connectors/index.ts';

/** The connectors Nexo ships and what each can do on its channel (seed 004's capability matrix). */
export const connectorsRoutes = (): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/connectors',
    {
      config: { access: 'system.read' },
      schema: {
        tags: ['connectors'],
        summary: 'The capability matrix of every channel connector',
        description:
          'For each connector: its auth type and, per capability (list_products, create_product, …, fulfill_order), whether the channel does it natively, through a workaround, or not at all, with rate limits, batch sizes and notes.',
        response: { 200: connectorsListSchema, 401: errorBodySchema, 403: errorBodySchema },
      },
    },
    async () => listConnectors(),
  );
};

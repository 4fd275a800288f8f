import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { storeIdParamsSchema, storeLimitsResponseSchema } from '../../contracts/stores.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import { listBreakers, storeLimits } from '../../modules/stores/index.ts';
import type { AppDeps } from '../deps.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

/** Stores: their rate limits and circuit breakers (store CRUD arrives with the connectors). */
export const storesRoutes =
  (deps: AppDeps): FastifyPluginAsyncZod =>
  async (app) => {
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

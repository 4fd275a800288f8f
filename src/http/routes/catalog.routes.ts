import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { catalogProductSchema, listProductsQuerySchema, listProductsResponseSchema, productIdParamsSchema } from '../../contracts/catalog.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import { getProduct, listProducts } from '../../modules/catalog/index.ts';
import { storeScope } from './store-scope.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };

/** The catalog as read from the channels (read-only for now): products, variants with stock per store, listings per channel. */
export const catalogRoutes = (): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/catalog/products',
    {
      config: { access: 'catalog.read' },
      schema: {
        tags: ['catalog'],
        summary: "The org's products with their variants, stock per store and listings per channel",
        description:
          'Newest first, 25 per page by default (`limit` up to 100), keyset paging with `cursor`. `storeId` / `platform` keep products listed on that store / channel, `status` products with a listing in that channel status (on that store or channel when also given), `q` searches titles and SKUs. A store id of another org matches nothing.',
        querystring: listProductsQuerySchema,
        response: { 200: listProductsResponseSchema, ...errors },
      },
    },
    async (request) => {
      const { stores, storeIds } = await storeScope(request.ctx, request.query);
      return listProducts(request.ctx, stores, { ...request.query, storeIds });
    },
  );

  app.get(
    '/api/catalog/products/:productId',
    {
      config: { access: 'catalog.read' },
      schema: {
        tags: ['catalog'],
        summary: 'One product with its variants, stock per store and listings',
        params: productIdParamsSchema,
        response: { 200: catalogProductSchema, ...errors },
      },
    },
    async (request) => getProduct(request.ctx, (await storeScope(request.ctx, {})).stores, request.params.productId),
  );
};

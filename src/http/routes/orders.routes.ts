import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  listOrdersQuerySchema,
  listOrdersResponseSchema,
  orderDetailSchema,
  orderFiltersSchema,
  orderIdParamsSchema,
  ordersSummarySchema,
} from '../../contracts/orders.ts';
import { errorBodySchema } from '../../contracts/system.ts';
import { getOrder, listOrders, ordersSummary } from '../../modules/orders/index.ts';
import { storeScope } from './store-scope.ts';

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema, 404: errorBodySchema };
const filtersHelp =
  '`storeId` / `platform` keep one store / channel (a store id of another org matches nothing), `financialStatus`, `fulfillmentStatus` and `cancelled` the statuses as read from the channel, `from` / `to` the date the order was placed (from inclusive, to exclusive), `q` the channel order number (contains) or channel order id.';

/** Unified orders as read from every channel (read-only for now). */
export const ordersRoutes = (): FastifyPluginAsyncZod => async (app) => {
  app.get(
    '/api/orders',
    {
      config: { access: 'orders.read' },
      schema: {
        tags: ['orders'],
        summary: "The org's orders across every store, newest placed first",
        description: `25 per page by default (\`limit\` up to 100), keyset paging with \`cursor\`. ${filtersHelp} Totals are in the order's currency, in minor units.`,
        querystring: listOrdersQuerySchema,
        response: { 200: listOrdersResponseSchema, ...errors },
      },
    },
    async (request) => {
      const { stores, storeIds } = await storeScope(request.ctx, request.query);
      return listOrders(request.ctx, stores, { ...request.query, storeIds });
    },
  );

  app.get(
    '/api/orders/summary',
    {
      config: { access: 'orders.read' },
      schema: {
        tags: ['orders'],
        summary: 'Count and totals per store and currency of the orders the filters keep',
        description: `The same filters as GET /api/orders. ${filtersHelp} Cancelled orders are counted but add nothing to the totals.`,
        querystring: orderFiltersSchema,
        response: { 200: ordersSummarySchema, ...errors },
      },
    },
    async (request) => {
      const { stores, storeIds } = await storeScope(request.ctx, request.query);
      return ordersSummary(request.ctx, stores, { ...request.query, storeIds });
    },
  );

  app.get(
    '/api/orders/:orderId',
    {
      config: { access: 'orders.read' },
      schema: {
        tags: ['orders'],
        summary: 'One order with its lines',
        params: orderIdParamsSchema,
        response: { 200: orderDetailSchema, ...errors },
      },
    },
    async (request) => getOrder(request.ctx, (await storeScope(request.ctx, {})).stores, request.params.orderId),
  );
};

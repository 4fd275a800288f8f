import { z } from 'zod';
import { findOrder, first, id, type Operation, page, parseSearch, userError } from './ops-common.ts';
import { inventoryWebhookPayload, LOCATION_ID, orderWebhookPayload, renderOrder } from './shopify-render.ts';
import { gid, parseGid } from './shopify-state.ts';

/** Inventory levels, orders and fulfilment. */
export const inventoryOrderOperations: Record<string, Operation> = {
  InventorySetQuantities: {
    kind: 'mutation',
    rootField: 'inventorySetQuantities',
    scope: 'write_inventory',
    variables: z.object({
      input: z.object({
        name: z.literal('available'),
        reason: z.string(),
        ignoreCompareQuantity: z.boolean().optional(),
        quantities: z
          .array(z.object({ inventoryItemId: id, locationId: id, quantity: z.number().int(), compareQuantity: z.number().int().nullish() }))
          .min(1)
          .max(250),
      }),
    }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const changes = [];
      for (const [index, quantity] of v.input.quantities.entries()) {
        const itemId = parseGid(quantity.inventoryItemId, 'InventoryItem');
        if (itemId === null || !shop.stock.has(itemId))
          return {
            data: {
              inventorySetQuantities: {
                inventoryAdjustmentGroup: null,
                userErrors: [userError(['input', 'quantities', String(index), 'inventoryItemId'], 'The specified inventory item could not be found.')],
              },
            },
          };
        if (parseGid(quantity.locationId, 'Location') !== LOCATION_ID)
          return {
            data: {
              inventorySetQuantities: {
                inventoryAdjustmentGroup: null,
                userErrors: [userError(['input', 'quantities', String(index), 'locationId'], 'The specified location could not be found.')],
              },
            },
          };
        if (!v.input.ignoreCompareQuantity && quantity.compareQuantity != null && quantity.compareQuantity !== shop.stock.get(itemId))
          return {
            data: {
              inventorySetQuantities: {
                inventoryAdjustmentGroup: null,
                userErrors: [
                  {
                    field: ['input', 'quantities', String(index), 'compareQuantity'],
                    message: 'The compareQuantity argument no longer matches the persisted quantity.',
                    code: 'COMPARE_QUANTITY_STALE',
                  },
                ],
              },
            },
          };
        changes.push({ itemId, quantity: quantity.quantity, delta: quantity.quantity - (shop.stock.get(itemId) ?? 0) });
      }
      if (!context.dropWrite()) {
        for (const change of changes) {
          shop.stock.set(change.itemId, change.quantity);
          context.emit('inventory_levels/update', inventoryWebhookPayload(change.itemId, change.quantity, now.toISOString()));
        }
      }
      return {
        data: {
          inventorySetQuantities: {
            inventoryAdjustmentGroup: { reason: v.input.reason, changes: changes.map((c) => ({ name: 'available', delta: c.delta })) },
            userErrors: [],
          },
        },
      };
    },
  },

  InventoryLevels: {
    kind: 'query',
    rootField: 'nodes',
    scope: 'read_inventory',
    variables: z.object({ ids: z.array(id).min(1).max(250) }),
    requestedCost: (v) => 1 + v.ids.length * 3,
    run: ({ shop }, v) => {
      const skuOf = new Map<number, string>();
      for (const product of shop.products.values()) for (const variant of product.variants) skuOf.set(variant.inventoryItemId, variant.sku);
      const nodes = v.ids.map((value: string) => {
        const itemId = parseGid(value, 'InventoryItem');
        if (itemId === null || !shop.stock.has(itemId)) return null;
        return {
          id: value,
          sku: skuOf.get(itemId) ?? null,
          inventoryLevels: {
            nodes: [{ location: { id: gid('Location', LOCATION_ID) }, quantities: [{ name: 'available', quantity: shop.stock.get(itemId) ?? 0 }] }],
          },
        };
      });
      return { data: { nodes } };
    },
  },

  Orders: {
    kind: 'query',
    rootField: 'orders',
    scope: 'read_orders',
    variables: z.object({
      first,
      after: z.string().nullish(),
      query: z.string().nullish(),
      linesFirst: first,
      sortKey: z.enum(['UPDATED_AT', 'CREATED_AT', 'ID']).optional(),
    }),
    requestedCost: (v) => 2 + v.first * (3 + v.linesFirst),
    run: ({ shop }, v) => {
      const search = parseSearch(v.query);
      let items = [...shop.orders.values()];
      const min = search.updatedAtMin;
      if (min) items = items.filter((o) => (search.inclusive ? o.updatedAt >= min : o.updatedAt > min));
      const key =
        v.sortKey === 'UPDATED_AT'
          ? (o: { updatedAt: string }) => o.updatedAt
          : v.sortKey === 'CREATED_AT'
            ? (o: { createdAt: string }) => o.createdAt
            : (o: { id: number }) => o.id;
      const { slice, hasNextPage, endCursor } = page(items, key as (o: (typeof items)[number]) => string | number, v.first, v.after);
      return {
        data: { orders: { nodes: slice.map((o) => renderOrder(o, v.linesFirst)), pageInfo: { hasNextPage, endCursor } } },
        actualCost: 2 + slice.reduce((sum, o) => sum + 3 + Math.min(o.lines.length, v.linesFirst), 0),
      };
    },
  },

  Order: {
    kind: 'query',
    rootField: 'order',
    scope: 'read_orders',
    variables: z.object({ id, linesFirst: first }),
    requestedCost: (v) => 4 + v.linesFirst,
    run: ({ shop }, v) => {
      const order = findOrder(shop, v.id);
      return { data: { order: order ? renderOrder(order, v.linesFirst) : null }, actualCost: order ? 4 + order.lines.length : 1 };
    },
  },

  OrderFulfillmentOrders: {
    kind: 'query',
    rootField: 'order',
    scope: 'read_merchant_managed_fulfillment_orders',
    variables: z.object({ id }),
    requestedCost: () => 8,
    run: ({ shop }, v) => {
      const order = findOrder(shop, v.id);
      const open = order && order.fulfillmentStatus === 'unfulfilled' && order.cancelledAt === null;
      return {
        data: {
          order: order
            ? { id: v.id, fulfillmentOrders: { nodes: [{ id: gid('FulfillmentOrder', order.fulfillmentOrderId), status: open ? 'OPEN' : 'CLOSED' }] } }
            : null,
        },
      };
    },
  },

  FulfillmentCreate: {
    kind: 'mutation',
    rootField: 'fulfillmentCreate',
    scope: 'write_merchant_managed_fulfillment_orders',
    variables: z.object({
      fulfillment: z.object({
        lineItemsByFulfillmentOrder: z.array(z.object({ fulfillmentOrderId: id })).min(1),
        notifyCustomer: z.boolean().optional(),
        trackingInfo: z.object({ company: z.string().nullish(), number: z.string().nullish(), url: z.string().nullish() }).optional(),
      }),
      message: z.string().nullish(),
    }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const orders = [];
      for (const [index, entry] of v.fulfillment.lineItemsByFulfillmentOrder.entries()) {
        const numeric = parseGid(entry.fulfillmentOrderId, 'FulfillmentOrder');
        const order = [...shop.orders.values()].find((o) => o.fulfillmentOrderId === numeric);
        const field = ['fulfillment', 'lineItemsByFulfillmentOrder', String(index), 'fulfillmentOrderId'];
        if (!order) return { data: { fulfillmentCreate: { fulfillment: null, userErrors: [userError(field, 'Fulfillment order does not exist.')] } } };
        if (order.fulfillmentStatus !== 'unfulfilled' || order.cancelledAt !== null)
          return {
            data: {
              fulfillmentCreate: {
                fulfillment: null,
                userErrors: [userError(field, `Fulfillment order ${entry.fulfillmentOrderId} has an unfulfillable status= closed.`)],
              },
            },
          };
        orders.push(order);
      }
      const tracking = v.fulfillment.trackingInfo ?? {};
      const fulfillment = {
        id: shop.nextId(),
        company: tracking.company ?? null,
        number: tracking.number ?? null,
        url: tracking.url ?? null,
        createdAt: now.toISOString(),
      };
      if (!context.dropWrite()) {
        for (const order of orders) {
          order.fulfillmentStatus = 'fulfilled';
          order.fulfillments.push(fulfillment);
          order.updatedAt = now.toISOString();
          context.emit('orders/fulfilled', orderWebhookPayload(order));
          context.emit('orders/updated', orderWebhookPayload(order));
        }
      }
      return {
        data: {
          fulfillmentCreate: {
            fulfillment: {
              id: gid('Fulfillment', fulfillment.id),
              status: 'SUCCESS',
              trackingInfo: [{ company: fulfillment.company, number: fulfillment.number, url: fulfillment.url }],
            },
            userErrors: [],
          },
        },
      };
    },
  },
};

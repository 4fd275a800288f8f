import type { FulfillmentInput, InventoryLevel, InventorySet, Order, Page } from '../../contracts/connectors.ts';
import { fulfillmentInputSchema } from '../../contracts/connectors.ts';
import { ConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient } from '../sdk/define-connector.ts';
import { assertNoUserErrors } from './graphql-client.ts';
import { type ShopifyOrderNode, toOrder } from './mappers.ts';
import * as Q from './queries.ts';
import { chunk, isAmbiguous, LINES_PER_ORDER, MUTATION, notApplied, type ShopifySession, type UserErrors } from './shopify-session.ts';

/** ORDERS_CREATE <- orders/create */
export const topicEnum = (topic: string) => topic.replace('/', '_').toUpperCase();

/** Stock (set + read back), orders (pull by update time, fulfil) and webhook subscriptions. */
export function orderAndStockMethods(session: ShopifySession) {
  const { call, wait, context, primaryLocation, getInventory, pageSize } = session;

  /** One order by its GraphQL id (re-fetching a webhook hint); null when the shop has no such order. */
  async function getOrder(channelId: string): Promise<Order | null> {
    const { order } = await call<{ order: ShopifyOrderNode | null }>({
      operation: 'Order',
      query: Q.ORDER,
      variables: { id: channelId, linesFirst: LINES_PER_ORDER },
      cost: 4 + LINES_PER_ORDER,
      idempotent: true,
    });
    return order ? toOrder(order) : null;
  }

  return {
    getInventory,

    async setInventory(levels: InventorySet[]): Promise<InventoryLevel[]> {
      const location = await primaryLocation();
      for (const batch of chunk(levels, 250)) {
        const { inventorySetQuantities } = await call<{ inventorySetQuantities: UserErrors }>({
          operation: 'InventorySetQuantities',
          query: Q.INVENTORY_SET_QUANTITIES,
          variables: {
            input: {
              name: 'available',
              reason: 'correction',
              ignoreCompareQuantity: true,
              quantities: batch.map((level) => ({
                inventoryItemId: level.inventoryItemId,
                locationId: level.locationId ?? location,
                quantity: level.available,
              })),
            },
          },
          cost: MUTATION,
          idempotent: true, // absolute quantities: sending twice sets the same value
        });
        assertNoUserErrors('inventorySetQuantities', inventorySetQuantities.userErrors);
      }
      // Read back: a 200 is not proof (see the emulator's dropWrites fault).
      const actual = await getInventory([...new Set(levels.map((l) => l.inventoryItemId))]);
      const wrong = levels.filter((wanted) => {
        const found = actual.find((a) => a.inventoryItemId === wanted.inventoryItemId && a.locationId === (wanted.locationId ?? location));
        return found?.available !== wanted.available;
      });
      if (wrong.length > 0) throw notApplied('inventorySetQuantities', { inventoryItemIds: wrong.map((w) => w.inventoryItemId) });
      return actual;
    },

    async listOrders(options = {}): Promise<Page<Order>> {
      const first = await pageSize(options.limit ?? 25, 3 + LINES_PER_ORDER);
      const { orders } = await call<{ orders: { nodes: ShopifyOrderNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>({
        operation: 'Orders',
        query: Q.ORDERS,
        variables: {
          first,
          after: options.cursor ?? null,
          query: options.updatedSince ? `updated_at:>='${options.updatedSince}'` : null,
          linesFirst: LINES_PER_ORDER,
          sortKey: 'UPDATED_AT',
        },
        cost: Q.estimateCost.Orders(first, LINES_PER_ORDER),
        idempotent: true,
      });
      return { items: orders.nodes.map(toOrder), nextCursor: orders.pageInfo.hasNextPage ? orders.pageInfo.endCursor : null };
    },

    getOrder,

    async fulfillOrder(raw: FulfillmentInput): Promise<Order> {
      const input = fulfillmentInputSchema.parse(raw);
      const readOrder = async () => {
        const order = await getOrder(input.channelOrderId);
        if (!order) throw new ConnectorError(`Shopify order ${input.channelOrderId} not found`, { kind: 'not_found' });
        return order;
      };
      for (let attempt = 1; ; attempt++) {
        const { order } = await call<{ order: { fulfillmentOrders: { nodes: Array<{ id: string; status: string }> } } | null }>({
          operation: 'OrderFulfillmentOrders',
          query: Q.ORDER_FULFILLMENT_ORDERS,
          variables: { id: input.channelOrderId },
          cost: 8,
          idempotent: true,
        });
        if (!order) throw new ConnectorError(`Shopify order ${input.channelOrderId} not found`, { kind: 'not_found' });
        const open = order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
        if (open.length === 0) break; // nothing left to ship (also the answer to a retried call)
        try {
          const { fulfillmentCreate } = await call<{ fulfillmentCreate: UserErrors }>({
            operation: 'FulfillmentCreate',
            query: Q.FULFILLMENT_CREATE,
            variables: {
              fulfillment: {
                lineItemsByFulfillmentOrder: open.map((fo) => ({ fulfillmentOrderId: fo.id })),
                notifyCustomer: input.notifyCustomer,
                ...(input.tracking ? { trackingInfo: input.tracking } : {}),
              },
            },
            cost: MUTATION,
            idempotent: false,
          });
          assertNoUserErrors('fulfillmentCreate', fulfillmentCreate.userErrors);
          break;
        } catch (error) {
          // A lost answer: the next look at the fulfillment orders tells whether it shipped.
          if (!isAmbiguous(error) || attempt >= 4) throw error;
          await wait(200 * attempt, context.signal);
        }
      }
      const order = await readOrder();
      if (order.fulfillmentStatus !== 'fulfilled' && !order.cancelled) throw notApplied('fulfillmentCreate', { orderId: input.channelOrderId });
      return order;
    },

    async subscribeWebhooks(callbackUrl: string, topics: string[]) {
      const out: Array<{ topic: string; id: string }> = [];
      for (const topic of topics) {
        const { webhookSubscriptionCreate } = await call<{ webhookSubscriptionCreate: { webhookSubscription: { id: string } | null } & UserErrors }>({
          operation: 'WebhookSubscriptionCreate',
          query: Q.WEBHOOK_SUBSCRIPTION_CREATE,
          variables: { topic: topicEnum(topic), webhookSubscription: { callbackUrl, format: 'JSON' } },
          cost: MUTATION,
          idempotent: true,
        });
        if (webhookSubscriptionCreate.userErrors.some((e) => /already been taken/i.test(e.message))) {
          out.push({ topic, id: 'existing' });
          continue;
        }
        assertNoUserErrors('webhookSubscriptionCreate', webhookSubscriptionCreate.userErrors);
        out.push({ topic, id: webhookSubscriptionCreate.webhookSubscription?.id ?? '' });
      }
      return out;
    },
  } satisfies Partial<ConnectorClient>;
}

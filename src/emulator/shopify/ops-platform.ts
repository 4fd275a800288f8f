import { z } from 'zod';
import { type Operation, userError } from './ops-common.ts';
import { renderProduct } from './shopify-render.ts';
import { gid, shopifyStateOf } from './shopify-state.ts';

/** Webhook subscriptions and bulk operations. */
export const platformOperations: Record<string, Operation> = {
  WebhookSubscriptionCreate: {
    kind: 'mutation',
    rootField: 'webhookSubscriptionCreate',
    scope: '',
    variables: z.object({
      topic: z.string().regex(/^[A-Z_]+$/),
      webhookSubscription: z.object({ callbackUrl: z.url(), format: z.enum(['JSON', 'XML']).optional() }),
    }),
    requestedCost: () => 10,
    run: ({ shop }, v) => {
      const topic = topicFromEnum(v.topic);
      if (!topic)
        return { data: { webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [userError(['topic'], `Unsupported topic ${v.topic}`)] } } };
      const existing = shop.webhooks.find((w) => w.topic === topic && w.callbackUrl === v.webhookSubscription.callbackUrl);
      if (existing)
        return {
          data: {
            webhookSubscriptionCreate: {
              webhookSubscription: null,
              userErrors: [userError(['webhookSubscription', 'callbackUrl'], 'Address for this topic has already been taken')],
            },
          },
        };
      const subscription = { id: shop.nextId(), topic, callbackUrl: v.webhookSubscription.callbackUrl };
      shop.webhooks.push(subscription);
      return {
        data: { webhookSubscriptionCreate: { webhookSubscription: { id: gid('WebhookSubscription', subscription.id), topic: v.topic }, userErrors: [] } },
      };
    },
  },

  BulkOperationRunQuery: {
    kind: 'mutation',
    rootField: 'bulkOperationRunQuery',
    scope: 'read_products',
    variables: z.object({ query: z.string().min(1) }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const state = shopifyStateOf(shop);
      if (state.bulk && (state.bulk.status === 'CREATED' || state.bulk.status === 'RUNNING'))
        return {
          data: {
            bulkOperationRunQuery: {
              bulkOperation: null,
              userErrors: [userError(['query'], `A bulk query operation for this app and shop is already in progress: ${gid('BulkOperation', state.bulk.id)}`)],
            },
          },
        };
      if (!/\bproducts\b/.test(v.query))
        return {
          data: {
            bulkOperationRunQuery: { bulkOperation: null, userErrors: [userError(['query'], 'Emulator: only bulk queries over products are supported')] },
          },
        };
      const lines: string[] = [];
      for (const product of [...shop.products.values()].sort((a, b) => a.id - b.id)) {
        const { variants, ...rest } = renderProduct(shop, product);
        lines.push(JSON.stringify(rest));
        for (const variant of variants.nodes) lines.push(JSON.stringify({ ...variant, __parentId: rest.id }));
      }
      state.bulk = {
        id: shop.nextId(),
        status: 'CREATED',
        createdAt: now.toISOString(),
        completedAt: null,
        readyAt: Date.now() + state.bulkDelayMs,
        objectCount: lines.length,
        jsonl: lines.join('\n') + (lines.length ? '\n' : ''),
      };
      return { data: { bulkOperationRunQuery: { bulkOperation: { id: gid('BulkOperation', state.bulk.id), status: 'CREATED' }, userErrors: [] } } };
    },
  },

  CurrentBulkOperation: {
    kind: 'query',
    rootField: 'currentBulkOperation',
    scope: '',
    variables: z.object({}).passthrough(),
    requestedCost: () => 1,
    run: ({ shop, baseUrl, now }) => {
      const bulk = shopifyStateOf(shop).bulk;
      if (!bulk) return { data: { currentBulkOperation: null } };
      if (bulk.status !== 'COMPLETED') {
        bulk.status = Date.now() >= bulk.readyAt ? 'COMPLETED' : 'RUNNING';
        if (bulk.status === 'COMPLETED') bulk.completedAt = now.toISOString();
      }
      const done = bulk.status === 'COMPLETED';
      return {
        data: {
          currentBulkOperation: {
            id: gid('BulkOperation', bulk.id),
            status: bulk.status,
            errorCode: null,
            objectCount: String(done ? bulk.objectCount : Math.floor(bulk.objectCount / 2)),
            url: done && bulk.objectCount > 0 ? `${baseUrl}/_emulator/files/bulk/${encodeURIComponent(shop.shop)}/${bulk.id}.jsonl` : null,
            createdAt: bulk.createdAt,
            completedAt: bulk.completedAt,
          },
        },
      };
    },
  },
};

/** ORDERS_CREATE -> orders/create */
export function topicFromEnum(value: string): string | null {
  const known: Record<string, string> = {
    ORDERS_CREATE: 'orders/create',
    ORDERS_UPDATED: 'orders/updated',
    ORDERS_FULFILLED: 'orders/fulfilled',
    PRODUCTS_CREATE: 'products/create',
    PRODUCTS_UPDATE: 'products/update',
    PRODUCTS_DELETE: 'products/delete',
    INVENTORY_LEVELS_UPDATE: 'inventory_levels/update',
    APP_UNINSTALLED: 'app/uninstalled',
  };
  return known[value] ?? null;
}

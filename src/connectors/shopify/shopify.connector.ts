import { defineConnector } from '../sdk/define-connector.ts';
import { shopifyOAuth } from './oauth.ts';
import { API_VERSION } from './queries.ts';
import { createShopifyClient } from './shopify-client.ts';
import { shopifyConfigSchema, shopifyCredentialsSchema } from './shopify-schemas.ts';
import { shopifyWebhookScheme } from './webhooks.ts';

const costLimit = 'GraphQL cost bucket per shop: 1,000 points restored at 50/s (Advanced 2,000 @ 100/s, Plus 10,000 @ 500/s); max 1,000 points per query';

export const shopifyConnector = defineConnector({
  id: 'shopify',
  name: 'Shopify',
  version: `1.0.0 (Admin GraphQL ${API_VERSION})`,
  auth: shopifyOAuth,
  credentialsSchema: shopifyCredentialsSchema,
  configSchema: shopifyConfigSchema,
  capabilities: {
    list_products: { level: 'native', rateLimit: costLimit, batchSize: 25, notes: '`products` with cursor pagination; page size shrinks to fit the bucket' },
    create_product: {
      level: 'native',
      rateLimit: costLimit,
      batchSize: 1,
      notes: '`productCreate` + `productVariantsBulkCreate` (10 points each); idempotent by handle; verified by reading back',
    },
    update_product: { level: 'native', rateLimit: costLimit, batchSize: 1, notes: '`productUpdate`; verified by reading back' },
    delete_product: { level: 'native', rateLimit: costLimit, batchSize: 1, notes: '`productDelete`; deleting a missing product succeeds' },
    bulk_operations: {
      level: 'native',
      notes:
        '`bulkOperationRunQuery` + `currentBulkOperation` polling + JSONL download; one bulk query at a time per app and shop; not limited by the cost bucket',
    },
    real_time_inventory: { level: 'native', notes: '`inventory_levels/update` webhooks' },
    order_webhooks: {
      level: 'native',
      notes: '`orders/create`, `orders/updated` webhooks signed with X-Shopify-Hmac-Sha256 (base64 HMAC-SHA256 of the raw body, app secret)',
    },
    pull_orders: {
      level: 'native',
      rateLimit: costLimit,
      batchSize: 25,
      notes: '`orders` sorted by UPDATED_AT with `updated_at:>=` for incremental syncs; orders older than 60 days need the read_all_orders scope',
    },
    push_inventory: {
      level: 'native',
      rateLimit: costLimit,
      batchSize: 250,
      notes: '`inventorySetQuantities` (absolute, "available" at the primary location), then read back; a mismatch is a write_not_applied error',
    },
    update_price: { level: 'native', rateLimit: costLimit, batchSize: 250, notes: '`productVariantsBulkUpdate` per product; verified by reading back' },
    fulfill_order: {
      level: 'native',
      rateLimit: costLimit,
      batchSize: 1,
      notes: "`fulfillmentCreate` over the order's open fulfillment orders (merchant-managed), optional tracking; read back",
    },
  },
  webhooks: shopifyWebhookScheme,
  create: createShopifyClient,
});

import { defineConnector } from '../sdk/define-connector.ts';
import { shopeeOAuth } from './oauth.ts';
import { shopeePushScheme } from './push.ts';
import { createShopeeClient } from './shopee-client.ts';
import { shopeeConfigSchema, shopeeCredentialsSchema } from './shopee-schemas.ts';

const limits =
  'Per partner app and shop, per API; Shopee publishes no per-shop figure and sends no limit headers (a rate-limit error beyond it): paced at config.requestsPerSecond (10/s), halved on each refusal';

export const shopeeConnector = defineConnector({
  id: 'shopee',
  name: 'Shopee',
  version: '1.0.0 (Shopee Open Platform v2)',
  auth: shopeeOAuth,
  credentialsSchema: shopeeCredentialsSchema,
  configSchema: shopeeConfigSchema,
  webhooks: shopeePushScheme,
  capabilities: {
    list_products: {
      level: 'native',
      rateLimit: limits,
      batchSize: 100,
      notes:
        '`get_item_list` (offset paging, `has_next_page`, NORMAL and UNLIST items, `update_time_from` for incremental reads) + `get_item_base_info` (50 ids a call) + `get_model_list` (one call per item with models: no batch form)',
    },
    create_product: {
      level: 'native',
      rateLimit: limits,
      batchSize: 1,
      notes:
        '`add_item` (config category, weight, a pre-uploaded image id; parent `item_sku` = handle) + `init_tier_variation` for variants (at most two option names); a lost answer is resolved by `search_item?item_sku`; read back',
    },
    update_product: { level: 'native', rateLimit: limits, batchSize: 1, notes: '`update_item` (item_name, description, item_status NORMAL/UNLIST); read back' },
    delete_product: { level: 'native', rateLimit: limits, batchSize: 1, notes: '`delete_item`; deleting a missing item succeeds; read back' },
    bulk_operations: {
      level: 'workaround',
      rateLimit: limits,
      batchSize: 50,
      notes:
        'No channel-side export or batch write: the catalog is read page by page (base info 50 a call) and writes are queued single calls through the store limiter',
    },
    real_time_inventory: {
      level: 'native',
      notes: '`reserved_stock_change_push` (code 8), signed with the partner key over URL|body; lost pushes recovered with get_lost_push_message',
    },
    order_webhooks: {
      level: 'native',
      notes:
        '`order_status_push` (code 3) and `order_trackingno_push` (4), signed; the push URL is set per partner app (console / set_app_push_config), not per shop; lost pushes recovered with get_lost_push_message',
    },
    pull_orders: {
      level: 'native',
      rateLimit: limits,
      batchSize: 100,
      notes:
        '`get_order_list` by `update_time` (at most 15 days a call: the connector walks windows; cursor paging) + `get_order_detail` (50 order_sn a call); buyer e-mail is not exposed; a full sync reads `orderLookbackDays` (90) back',
    },
    push_inventory: {
      level: 'native',
      rateLimit: limits,
      batchSize: 50,
      notes: '`update_stock` per item (every model of the item in one call, `seller_stock`); `failure_list` is an error; read back',
    },
    update_price: {
      level: 'native',
      rateLimit: limits,
      batchSize: 50,
      notes: '`update_price` per item (`original_price` per model); `failure_list` is an error; read back',
    },
    fulfill_order: {
      level: 'unsupported',
      notes: 'Shipping goes through Shopee logistics (`logistics/ship_order` with pickup/drop-off and the channel-issued tracking number): not implemented',
    },
  },
  create: createShopeeClient,
});

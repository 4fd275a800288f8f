import { defineConnector } from '../sdk/define-connector.ts';
import { tiktokShopOAuth } from './oauth.ts';
import { createTikTokShopClient } from './tiktokshop-client.ts';
import { tiktokShopConfigSchema, tiktokShopCredentialsSchema } from './tiktokshop-schemas.ts';
import { createTtsSession } from './tts-session.ts';
import { tiktokShopWebhookScheme } from './webhooks.ts';

/** After the code exchange, the authorized shop's id and cipher are read once and kept with the credentials. */
const auth: typeof tiktokShopOAuth = {
  ...tiktokShopOAuth,
  async completeAuthorization(input) {
    const credentials = await tiktokShopOAuth.completeAuthorization(input);
    const config = tiktokShopConfigSchema.parse(input.config);
    const shop = await createTtsSession({ credentials, config, ...(input.fetch ? { fetch: input.fetch } : {}) }).shop();
    return { ...credentials, shopId: shop.id, shopCipher: shop.cipher };
  },
};

const limits =
  'Per app, shop and endpoint (QPS listed in Partner Center, no limit headers; code 36009002 / HTTP 429 beyond it): paced at config.requestsPerSecond (10/s), halved on each 429';

export const tiktokShopConnector = defineConnector({
  id: 'tiktokshop',
  name: 'TikTok Shop',
  version: '1.0.0 (Partner API 202309)',
  auth,
  credentialsSchema: tiktokShopCredentialsSchema,
  configSchema: tiktokShopConfigSchema,
  webhooks: tiktokShopWebhookScheme,
  capabilities: {
    list_products: {
      level: 'native',
      rateLimit: limits,
      batchSize: 100,
      notes:
        '`POST /product/202309/products/search` (page_size ≤ 100, page_token; `update_time_ge` for incremental syncs); SKUs, prices and stock come with the page',
    },
    create_product: {
      level: 'native',
      rateLimit: limits,
      batchSize: 1,
      notes:
        '`POST /product/202309/products` with the configured leaf category and the default warehouse; images must already be TikTok URIs; a lost answer is resolved by searching the seller SKUs; read back',
    },
    update_product: {
      level: 'native',
      rateLimit: limits,
      batchSize: 1,
      notes:
        '`partial_edit` for title/description, `activate` / `deactivate` for status; TikTok re-audits edited products; tags/vendor are not sent; read back',
    },
    delete_product: {
      level: 'native',
      rateLimit: limits,
      batchSize: 20,
      notes: '`DELETE /product/202309/products` with product_ids; a missing product succeeds',
    },
    bulk_operations: {
      level: 'workaround',
      rateLimit: limits,
      batchSize: 100,
      notes: 'No channel-side export: the product search is paged through, 100 products a call',
    },
    real_time_inventory: {
      level: 'unsupported',
      notes: 'TikTok Shop pushes no stock changes (PRODUCT_STATUS_CHANGE covers audit/status only): stock is read by the sync',
    },
    order_webhooks: {
      level: 'native',
      notes:
        '`ORDER_STATUS_CHANGE` (type 1) and other event types via `PUT /event/202309/webhooks`; signed with HMAC-SHA256(app_secret, app_key + body) in `Authorization`; answered within 3 s, processed as a job',
    },
    pull_orders: {
      level: 'native',
      rateLimit: limits,
      batchSize: 100,
      notes:
        '`POST /order/202309/orders/search` sorted by update_time ascending, page_token, `update_time_ge` (seconds); line items are one per unit and are grouped by SKU',
    },
    push_inventory: {
      level: 'native',
      rateLimit: limits,
      batchSize: 100,
      notes: '`POST /product/202309/products/{id}/inventory/update` per product (per SKU and warehouse); read back from the product detail',
    },
    update_price: {
      level: 'native',
      rateLimit: limits,
      batchSize: 100,
      notes: '`POST /product/202309/products/{id}/prices/update` per product; read back from the product detail',
    },
    fulfill_order: {
      level: 'unsupported',
      notes: 'Shipping goes through TikTok packages (ship_package with TikTok Shipping or seller shipping tracking): not implemented yet',
    },
  },
  create: createTikTokShopClient,
});

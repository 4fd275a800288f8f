import { defineConnector } from '../sdk/define-connector.ts';
import { createMercadoLivreClient } from './mercadolivre-client.ts';
import { mercadoLivreConfigSchema, mercadoLivreCredentialsSchema } from './mercadolivre-schemas.ts';
import { mlNotificationScheme } from './notifications.ts';
import { mercadoLivreOAuth } from './oauth.ts';

const limits =
  'Per application, seller and endpoint; ML publishes no figures and no limit headers (429 beyond them): paced at config.requestsPerSecond (10/s), halved on each 429';

export const mercadoLivreConnector = defineConnector({
  id: 'mercadolivre',
  name: 'Mercado Livre',
  version: '1.0.0 (api.mercadolibre.com REST)',
  auth: mercadoLivreOAuth,
  credentialsSchema: mercadoLivreCredentialsSchema,
  configSchema: mercadoLivreConfigSchema,
  capabilities: {
    list_products: {
      level: 'native',
      rateLimit: limits,
      batchSize: 100,
      notes:
        '`/users/{id}/items/search?search_type=scan` (scroll_id, 100 ids a page, scroll valid 5 min) + multiget `/items?ids=` (20 a call); updatedSince is filtered client-side (no update-time filter on item search)',
    },
    create_product: {
      level: 'native',
      rateLimit: limits,
      batchSize: 1,
      notes:
        '`POST /items` (config category, listing type and condition; variations from variant attributes; SELLER_SKU); a lost answer is resolved by `seller_sku` search; read back',
    },
    update_product: {
      level: 'native',
      rateLimit: limits,
      batchSize: 1,
      notes:
        '`PUT /items/{id}` (title, status active/paused/closed) and `PUT /items/{id}/description`; ML refuses title changes once an item has sales; tags/vendor/productType are not updated; read back',
    },
    delete_product: {
      level: 'workaround',
      rateLimit: limits,
      batchSize: 1,
      notes: 'ML has no DELETE: the item is closed (`status: closed`) then `deleted: true`; deleting a missing item succeeds',
    },
    bulk_operations: {
      level: 'workaround',
      rateLimit: limits,
      batchSize: 100,
      notes: 'No channel-side export: a full scan (`search_type=scan`) + multiget, 20 items per call',
    },
    real_time_inventory: {
      level: 'native',
      notes: '`items` notifications (unsigned hints: the item is re-fetched with the store token)',
    },
    order_webhooks: {
      level: 'native',
      notes:
        '`orders_v2` notifications, unsigned: re-fetched with `/orders/{id}`; callback URL and topics are set on the application (DevCenter), not per seller',
    },
    pull_orders: {
      level: 'native',
      rateLimit: limits,
      batchSize: 51,
      notes:
        '`/orders/search?seller=` sorted by creation (`date_asc`), offset paging, `order.date_last_updated.from` for incremental syncs; buyer e-mail is not exposed',
    },
    push_inventory: {
      level: 'native',
      rateLimit: limits,
      batchSize: 1,
      notes: '`PUT /items/{id}` `available_quantity` (per variation: every variation id is sent, ML removes the ones left out); read back by multiget',
    },
    update_price: {
      level: 'native',
      rateLimit: limits,
      batchSize: 1,
      notes: '`PUT /items/{id}` `price` (per variation for items with variations); read back by multiget',
    },
    fulfill_order: {
      level: 'unsupported',
      notes: 'Shipping is run by Mercado Envios (labels and tracking come from ML); seller-managed shipments (me1/custom) are not implemented',
    },
  },
  notifications: mlNotificationScheme,
  create: createMercadoLivreClient,
});

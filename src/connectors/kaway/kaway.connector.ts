import { defineConnector } from '../sdk/define-connector.ts';
import { createKawayClient } from './kaway-client.ts';
import { kawayConfigSchema, kawayCredentialsSchema } from './kaway-schemas.ts';

const noApi = 'Kaway documents no public API';
const feedHost = 'whatever the feed host allows; its X-RateLimit-* headers are honoured';

/**
 * Kaway: a feed connector. Products, stock and orders come in as CSV or JSON files (uploaded, or a
 * watched URL fetched with If-None-Match / If-Modified-Since) and stock goes out as a file Kaway
 * ingests. The matrix says what that can and cannot do.
 */
export const kawayConnector = defineConnector({
  id: 'kaway',
  name: 'Kaway',
  version: '1.0.0 (feed format v1: CSV/JSON)',
  auth: {
    type: 'feed',
    description: `${noApi}: Nexo reads product, stock and order feeds (CSV or JSON) from URLs you give it (optional HTTP basic or bearer auth) or from uploaded files, and exports the files Kaway ingests`,
  },
  credentialsSchema: kawayCredentialsSchema,
  configSchema: kawayConfigSchema,
  capabilities: {
    list_products: {
      level: 'workaround',
      rateLimit: feedHost,
      notes:
        'Read from the products feed (one row per variant); pages come from one downloaded copy; an unchanged feed (ETag / Last-Modified) is not downloaded again',
    },
    create_product: { level: 'unsupported', notes: `${noApi}: export the products feed and upload it in Kaway's seller panel; Nexo cannot confirm it` },
    update_product: { level: 'unsupported', notes: `${noApi}: export the products feed with the changes` },
    delete_product: { level: 'unsupported', notes: `${noApi}: remove the product from the exported feed, or in Kaway's seller panel` },
    bulk_operations: { level: 'workaround', rateLimit: feedHost, notes: 'The products feed is the whole catalog in one file' },
    real_time_inventory: { level: 'unsupported', notes: 'No webhooks: the stock feed is polled with conditional GETs' },
    order_webhooks: { level: 'unsupported', notes: 'No webhooks: the orders feed is polled with conditional GETs' },
    pull_orders: {
      level: 'workaround',
      rateLimit: feedHost,
      notes: 'Read from the orders feed (one row per order line); the feed is always whole, so "updated since" is filtered by the connector after the download',
    },
    push_inventory: {
      level: 'workaround',
      rateLimit: feedHost,
      notes:
        "A stock file (sku, quantity) PUT to the store's stock upload URL, then verified by re-reading the stock feed; without an upload URL the file is exported for a manual upload and cannot be verified",
    },
    update_price: { level: 'unsupported', notes: `${noApi}: export the products feed with the new prices` },
    fulfill_order: { level: 'unsupported', notes: `${noApi}: mark orders shipped in Kaway's seller panel` },
  },
  create: createKawayClient,
});

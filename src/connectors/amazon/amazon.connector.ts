import { defineConnector } from '../sdk/define-connector.ts';
import { createAmazonClient } from './amazon-client.ts';
import { amazonConfigSchema, amazonCredentialsSchema } from './amazon-schemas.ts';

const listings = 'Listings Items 2021-08-01: 5 requests/s, burst 10 per operation (searchListingsItems burst 5), adopted from x-amzn-RateLimit-Limit';

export const amazonConnector = defineConnector({
  id: 'amazon',
  name: 'Amazon',
  version: '1.0.0 (SP-API: Listings Items 2021-08-01, Feeds 2021-06-30, Orders 2026-01-01)',
  auth: {
    type: 'api_key',
    description:
      'Login with Amazon: the SP-API application’s LWA client id and secret and the seller’s refresh token (Seller Central > Apps > authorize), plus the seller id and marketplace. Access tokens (1 h) are exchanged and renewed by Nexo.',
  },
  credentialsSchema: amazonCredentialsSchema,
  configSchema: amazonConfigSchema,
  capabilities: {
    list_products: {
      level: 'native',
      rateLimit: listings,
      batchSize: 20,
      notes: '`searchListingsItems` (20 a page, pageToken, lastUpdatedAfter); a parent SKU is one product with its child SKUs (variationParentSku) as variants',
    },
    create_product: {
      level: 'native',
      rateLimit: listings,
      batchSize: 1,
      notes: '`putListingsItem` per SKU (a parent + children for several variants; productType from config); PUT is idempotent by SKU; read back',
    },
    update_product: {
      level: 'native',
      rateLimit: listings,
      batchSize: 1,
      notes:
        '`patchListingsItem` (item_name, product_description, brand); no draft state on Amazon: draft = offers removed, active = offers priced again; read back',
    },
    delete_product: {
      level: 'native',
      rateLimit: listings,
      batchSize: 1,
      notes: '`deleteListingsItem` (children first, then the parent); a missing SKU succeeds',
    },
    bulk_operations: {
      level: 'native',
      rateLimit: 'createFeed 0.0083/s burst 15, getFeed 2/s, createFeedDocument 0.5/s, getFeedDocument 0.0222/s',
      batchSize: 10_000,
      notes:
        'Writes of more SKUs than config.bulkFeedThreshold go through one `JSON_LISTINGS_FEED` (createFeedDocument, upload, createFeed, poll getFeed, processing report); the catalog export walks searchListingsItems (the Reports API export is not used)',
    },
    real_time_inventory: {
      level: 'unsupported',
      notes:
        'Stock notifications (LISTINGS_ITEM_MFN_QUANTITY_CHANGE, FBA_INVENTORY_AVAILABILITY_CHANGES) go only to SQS / EventBridge; stock is read by the scheduled sync',
    },
    order_webhooks: {
      level: 'workaround',
      rateLimit: 'searchOrders 0.0056/s burst 20',
      notes:
        'ORDER_CHANGE notifications go only to SQS / EventBridge, which Nexo cannot host: the scheduled incremental sync polls searchOrders by lastUpdatedAfter',
    },
    pull_orders: {
      level: 'native',
      rateLimit: 'searchOrders 0.0056/s burst 20, getOrder 0.5/s burst 30',
      batchSize: 100,
      notes: 'Orders API 2026-01-01 `searchOrders` (lastUpdatedAfter, paginationToken, includedData=BUYER) and `getOrder`; two years of history',
    },
    push_inventory: {
      level: 'workaround',
      rateLimit: listings,
      batchSize: 10_000,
      notes:
        'Seller-fulfilled (DEFAULT) stock only: `patchListingsItem` fulfillment_availability, or a JSON_LISTINGS_FEED above the threshold; FBA stock is Amazon’s (read-only, refused); read back',
    },
    update_price: {
      level: 'native',
      rateLimit: listings,
      batchSize: 10_000,
      notes: '`purchasable_offer` our_price by patchListingsItem, or a JSON_LISTINGS_FEED above the threshold; read back',
    },
    fulfill_order: {
      level: 'unsupported',
      notes: 'Shipment confirmation (Orders API confirmShipment / Merchant Fulfillment) is not implemented yet; FBA orders are shipped by Amazon',
    },
  },
  create: createAmazonClient,
});

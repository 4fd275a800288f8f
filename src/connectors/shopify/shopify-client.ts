import type { ConnectorClient, ConnectorContext } from '../sdk/define-connector.ts';
import { toListings } from './mappers.ts';
import { catalogMethods } from './shopify-catalog.ts';
import { orderAndStockMethods } from './shopify-orders.ts';
import type { ShopifyConfig, ShopifyCredentials } from './shopify-schemas.ts';
import { createShopifySession } from './shopify-session.ts';

/** The Shopify connector's client for one store (see docs/connectors.md). */
export function createShopifyClient(context: ConnectorContext<ShopifyCredentials, ShopifyConfig>): ConnectorClient {
  const session = createShopifySession(context);
  return {
    testConnection: () => session.shop(),
    listingsOf: (product) => toListings(product, context.config.shop),
    ...catalogMethods(session),
    ...orderAndStockMethods(session),
  };
}

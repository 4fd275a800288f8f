import type { ConnectorClient, ConnectorContext } from '../sdk/define-connector.ts';
import { toListings } from './mappers.ts';
import { catalogMethods } from './shopee-catalog.ts';
import { orderMethods } from './shopee-orders.ts';
import type { ShopeeConfig, ShopeeCredentials } from './shopee-schemas.ts';
import { createShopeeSession } from './shopee-session.ts';

/** The Shopee connector's client for one shop (see docs/connectors.md). */
export function createShopeeClient(context: ConnectorContext<ShopeeCredentials, ShopeeConfig>): ConnectorClient {
  const session = createShopeeSession(context);
  return {
    async testConnection() {
      const shop = await session.shop();
      return { externalId: String(session.shopId()), name: shop.shop_name, currency: await session.currency() };
    },
    listingsOf: (product) => toListings(product, session.shopId()),
    ...catalogMethods(session),
    ...orderMethods(session),
    /**
     * Shopee's push URL and push types are set per partner app on the Open Platform console (or
     * `/api/v2/push/set_app_push_config`, partner level), not per shop: reported as app-level subscriptions.
     */
    async subscribeWebhooks(_callbackUrl: string, topics: string[]) {
      return topics.map((topic) => ({ topic, id: `app:${topic}` }));
    },
  };
}

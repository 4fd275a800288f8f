import { ConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient, ConnectorContext } from '../sdk/define-connector.ts';
import { catalogMethods } from './amazon-catalog.ts';
import { orderMethods } from './amazon-orders.ts';
import type { AmazonConfig, AmazonCredentials } from './amazon-schemas.ts';
import { createAmazonSession } from './amazon-session.ts';
import { toListings } from './mappers.ts';

/** The order notification types a user with AWS would subscribe to (see docs/connectors.md); Nexo polls instead. */
export const amazonPolledTopics = ['ORDER_CHANGE', 'LISTINGS_ITEM_STATUS_CHANGE', 'LISTINGS_ITEM_MFN_QUANTITY_CHANGE'] as const;

/** The Amazon SP-API connector's client for one selling partner and marketplace (see docs/connectors.md). */
export function createAmazonClient(context: ConnectorContext<AmazonCredentials, AmazonConfig>): ConnectorClient {
  const session = createAmazonSession(context);
  return {
    async testConnection() {
      // One cheap authenticated call that proves the seller id and the marketplace: the first listings page.
      await session.request('searchListingsItems', {
        path: `/listings/2021-08-01/items/${encodeURIComponent(context.config.sellerId)}`,
        query: { marketplaceIds: context.config.marketplaceId, pageSize: 1 },
        idempotent: true,
      });
      const participations = await session.request<{ payload?: Array<{ marketplace: { id: string }; storeName?: string }> }>('getMarketplaceParticipations', {
        path: '/sellers/v1/marketplaceParticipations',
        idempotent: true,
      });
      const here = participations.payload?.find((p) => p.marketplace.id === context.config.marketplaceId);
      if (!here)
        throw new ConnectorError(`Amazon: seller ${context.config.sellerId} does not sell in marketplace ${context.config.marketplaceId}`, {
          kind: 'rejected',
        });
      return { externalId: context.config.sellerId, name: here.storeName ?? `Amazon ${context.config.sellerId}`, currency: session.currency() };
    },
    listingsOf: toListings,
    ...catalogMethods(session),
    ...orderMethods(session),
    /**
     * SP-API delivers notifications only to an SQS queue or an EventBridge bus the seller's developer owns,
     * which Nexo cannot host: the scheduled incremental sync polls instead (searchOrders by lastUpdatedAfter).
     */
    async subscribeWebhooks(_callbackUrl: string, topics: string[]) {
      const unknown = topics.filter((t) => !(amazonPolledTopics as readonly string[]).includes(t));
      if (unknown.length > 0) throw new ConnectorError(`Amazon has no notification type ${unknown.join(', ')} that Nexo polls for`, { kind: 'rejected' });
      return topics.map((topic) => ({ topic, id: `polling:${topic}` }));
    },
  };
}

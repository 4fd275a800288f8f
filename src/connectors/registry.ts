import { type CapabilityName, type ConnectorInfo, capabilityNames } from '../contracts/connectors.ts';
import { amazonConnector } from './amazon/amazon.connector.ts';
import { kawayConnector } from './kaway/kaway.connector.ts';
import { mercadoLivreConnector } from './mercadolivre/mercadolivre.connector.ts';
import type { AnyConnectorDefinition } from './sdk/define-connector.ts';

export type { VerifiedWebhook } from './sdk/define-connector.ts';
export type { RateLimitSignal } from './sdk/http.ts';

import { shopeeConnector } from './shopee/shopee.connector.ts';
import { shopifyConnector } from './shopify/shopify.connector.ts';
import { tiktokShopConnector } from './tiktokshop/tiktokshop.connector.ts';

/** Every connector Nexo ships, listed explicitly (no discovery, no plugins loaded from disk). */
export const connectors: readonly AnyConnectorDefinition[] = [
  shopifyConnector,
  mercadoLivreConnector,
  kawayConnector,
  amazonConnector,
  shopeeConnector,
  tiktokShopConnector,
];

export function connectorById(id: string): AnyConnectorDefinition | undefined {
  return connectors.find((connector) => connector.id === id);
}

/** The capability matrix GET /api/connectors returns. */
export function connectorMatrix(): { capabilities: CapabilityName[]; connectors: ConnectorInfo[] } {
  return { capabilities: [...capabilityNames], connectors: connectors.map((connector) => connector.info()) };
}

// Kaway feed files (uploads, exports) for the stores and sync modules: parse and render without a store client.
export { renderFeed as renderKawayFeed } from './kaway/feed-export.ts';
export { importFeed as importKawayFeed, parseFeedText as parseKawayFeed } from './kaway/feed-parse.ts';
export { toListings as kawayListingsOf } from './kaway/kaway-client.ts';

import { type CapabilityName, type ConnectorInfo, capabilityNames } from '../contracts/connectors.ts';
import { mercadoLivreConnector } from './mercadolivre/mercadolivre.connector.ts';
import type { AnyConnectorDefinition } from './sdk/define-connector.ts';
import { shopifyConnector } from './shopify/shopify.connector.ts';

/** Every connector Nexo ships, listed explicitly (no discovery, no plugins loaded from disk). */
export const connectors: readonly AnyConnectorDefinition[] = [shopifyConnector, mercadoLivreConnector];

export function connectorById(id: string): AnyConnectorDefinition | undefined {
  return connectors.find((connector) => connector.id === id);
}

/** The capability matrix GET /api/connectors returns. */
export function connectorMatrix(): { capabilities: CapabilityName[]; connectors: ConnectorInfo[] } {
  return { capabilities: [...capabilityNames], connectors: connectors.map((connector) => connector.info()) };
}

import { connectorMatrix } from '../../connectors/registry.ts';
import type { ConnectorsList } from '../../contracts/connectors.ts';

/** The capability matrix of every connector Nexo ships (static: the same for every org). */
export function listConnectors(): ConnectorsList {
  return connectorMatrix();
}

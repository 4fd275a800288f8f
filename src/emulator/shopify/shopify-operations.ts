import { catalogOperations } from './ops-catalog.ts';
import type { Operation } from './ops-common.ts';
import { inventoryOrderOperations } from './ops-inventory-orders.ts';
import { platformOperations } from './ops-platform.ts';

export { GraphqlUserError, type Operation, type OperationContext } from './ops-common.ts';

/**
 * The Admin GraphQL operations the emulator answers, matched by operation name (it is not a
 * GraphQL engine). Each declares its variables (validated), the access scope it needs, the root
 * field its query text must contain, and its cost as documented in docs/connectors.md:
 * objects 1, connections 2 + first × (cost of a node), mutations 10.
 */
export const operations: Record<string, Operation> = { ...catalogOperations, ...inventoryOrderOperations, ...platformOperations };

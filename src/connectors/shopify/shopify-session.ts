import type { InventoryLevel, Product } from '../../contracts/connectors.ts';
import { sleep as defaultSleep } from '../../lib/sleep.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorContext } from '../sdk/define-connector.ts';
import { createGraphqlClient, type GraphqlCall } from './graphql-client.ts';
import { type ShopifyProductNode, toProduct } from './mappers.ts';
import * as Q from './queries.ts';
import type { ShopifyConfig, ShopifyCredentials } from './shopify-schemas.ts';

export const VARIANTS_PER_PRODUCT_PAGE = 20;
export const MAX_VARIANTS = 250;
export const LINES_PER_ORDER = 50;
export const INVENTORY_BATCH = 100;
export const MUTATION = Q.estimateCost.mutation;

export interface UserErrors {
  userErrors: Array<{ field?: string[] | null; message: string; code?: string }>;
}

export const chunk = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
export const isAmbiguous = (error: unknown) => isConnectorError(error) && (error.kind === 'upstream' || error.kind === 'network');
export const notApplied = (what: string, details?: unknown) =>
  new ConnectorError(`Shopify answered success for ${what} but the change is not there when read back`, { kind: 'write_not_applied', details });

/** Seconds of restore a page may wait for when the bucket is low (below that, pages shrink to what the bucket holds). */
export const PAGE_WAIT_SECONDS = 2;

/**
 * Items per page of a connection whose nodes cost `perNode` points each (plus 2 for the connection): at most
 * `wanted`, within one query's limit (1,000 points) and the bucket's size; and, when the bucket is known, no more
 * than it holds now unless that is less than it restores in PAGE_WAIT_SECONDS. Shopify takes a query's requested
 * cost up front and refunds the unused part afterwards, and catalog pages use about a quarter of what they
 * request: waiting until an emptied bucket holds a full page's requested cost (the first page, the first page of
 * the next phase) would leave up to 10 s of its restore rate unused at 100 points/s.
 */
export function fitPageSize(
  wanted: number,
  perNode: number,
  bucket: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number } | null,
): number {
  const nodes = (points: number) => Math.floor((points - 2) / perNode);
  const full = Math.max(1, Math.min(wanted, 250, nodes(Math.min(bucket?.maximumAvailable ?? 1000, 1000))));
  if (!bucket) return full;
  const floor = Math.max(1, Math.min(full, nodes(bucket.restoreRate * PAGE_WAIT_SECONDS)));
  return Math.max(floor, Math.min(full, nodes(bucket.currentlyAvailable)));
}

/** What the Shopify client's methods share for one store: the paced GraphQL client, cached shop facts, common reads. */
export function createShopifySession(context: ConnectorContext<ShopifyCredentials, ShopifyConfig>) {
  const { config, credentials } = context;
  const wait = context.sleep ?? defaultSleep;
  const gql = createGraphqlClient({
    shop: config.shop,
    accessToken: credentials.accessToken,
    baseUrl: config.apiBaseUrl ?? `https://${config.shop}`,
    apiVersion: config.apiVersion,
    fetch: context.fetch,
    sleep: context.sleep,
    now: context.now,
    signal: context.signal,
    signals: context.signals,
  });
  const call = <T>(request: GraphqlCall) => gql.request<T>(request);

  let shopInfo: Promise<{ externalId: string; name: string; currency: string }> | null = null;
  const shop = () => {
    shopInfo ??= call<{ shop: { myshopifyDomain: string; name: string; currencyCode: string } }>({
      operation: 'Shop',
      query: Q.SHOP,
      cost: 1,
      idempotent: true,
    }).then(({ shop: s }) => ({ externalId: s.myshopifyDomain, name: s.name, currency: s.currencyCode }));
    shopInfo.catch(() => {
      shopInfo = null;
    });
    return shopInfo;
  };
  let locationId: Promise<string> | null = config.locationId ? Promise.resolve(config.locationId) : null;
  const primaryLocation = () => {
    locationId ??= call<{ location: { id: string } | null }>({ operation: 'PrimaryLocation', query: Q.PRIMARY_LOCATION, cost: 1, idempotent: true }).then(
      ({ location }) => {
        if (!location) throw new ConnectorError('Shopify store has no location', { kind: 'protocol' });
        return location.id;
      },
    );
    locationId.catch(() => {
      locationId = null;
    });
    return locationId;
  };

  /** Items to ask for in a page (see fitPageSize); learns the bucket first (the cached Shop query, cost 1) when it is unknown. */
  async function pageSize(wanted: number, perNode: number): Promise<number> {
    if (gql.throttleStatus() === null) await shop();
    return fitPageSize(wanted, perNode, gql.throttleStatus());
  }

  async function getProduct(channelId: string): Promise<Product | null> {
    const { product } = await call<{ product: ShopifyProductNode | null }>({
      operation: 'Product',
      query: Q.PRODUCT,
      variables: { id: channelId, variantsFirst: MAX_VARIANTS },
      cost: Q.estimateCost.Product(MAX_VARIANTS),
      idempotent: true,
    });
    return product ? toProduct(product, (await shop()).currency) : null;
  }

  async function findByHandle(handle: string): Promise<ShopifyProductNode | null> {
    const { products } = await call<{ products: { nodes: ShopifyProductNode[] } }>({
      operation: 'Products',
      query: Q.PRODUCTS,
      variables: { first: 1, query: `handle:'${handle.replace(/'/g, '')}'`, variantsFirst: VARIANTS_PER_PRODUCT_PAGE },
      cost: Q.estimateCost.Products(1, VARIANTS_PER_PRODUCT_PAGE),
      idempotent: true,
    });
    return products.nodes[0] ?? null;
  }

  async function getInventory(ids: string[]): Promise<InventoryLevel[]> {
    const levels: InventoryLevel[] = [];
    for (const batch of chunk(ids, INVENTORY_BATCH)) {
      const { nodes } = await call<{
        nodes: Array<{
          id: string;
          sku: string | null;
          inventoryLevels: { nodes: Array<{ location: { id: string }; quantities: Array<{ name: string; quantity: number }> }> };
        } | null>;
      }>({
        operation: 'InventoryLevels',
        query: Q.INVENTORY_LEVELS,
        variables: { ids: batch },
        cost: Q.estimateCost.InventoryLevels(batch.length),
        idempotent: true,
      });
      for (const node of nodes) {
        if (!node) continue;
        for (const level of node.inventoryLevels.nodes) {
          levels.push({
            inventoryItemId: node.id,
            sku: node.sku,
            locationId: level.location.id,
            available: level.quantities.find((q) => q.name === 'available')?.quantity ?? 0,
          });
        }
      }
    }
    return levels;
  }
  return { context, config, wait, call, shop, primaryLocation, pageSize, getProduct, findByHandle, getInventory };
}

export type ShopifySession = ReturnType<typeof createShopifySession>;

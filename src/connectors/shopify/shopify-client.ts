import {
  type FulfillmentInput,
  fulfillmentInputSchema,
  type InventoryLevel,
  type InventorySet,
  type Order,
  type Page,
  type PriceUpdate,
  type Product,
  type ProductInput,
  type ProductUpdate,
  productInputSchema,
} from '../../contracts/connectors.ts';
import { fromMinorUnits } from '../../lib/money.ts';
import { sleep as defaultSleep } from '../../lib/sleep.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient, ConnectorContext } from '../sdk/define-connector.ts';
import { assertNoUserErrors, createGraphqlClient, type GraphqlCall } from './graphql-client.ts';
import { type ShopifyOrderNode, type ShopifyProductNode, type ShopifyVariantNode, toListings, toOrder, toProduct } from './mappers.ts';
import * as Q from './queries.ts';
import type { ShopifyConfig, ShopifyCredentials } from './shopify-schemas.ts';

const VARIANTS_PER_PRODUCT_PAGE = 20;
const MAX_VARIANTS = 250;
const LINES_PER_ORDER = 50;
const INVENTORY_BATCH = 100;
const MUTATION = Q.estimateCost.mutation;

interface UserErrors {
  userErrors: Array<{ field?: string[] | null; message: string; code?: string }>;
}

const chunk = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
const isAmbiguous = (error: unknown) => isConnectorError(error) && (error.kind === 'upstream' || error.kind === 'network');
const notApplied = (what: string, details?: unknown) =>
  new ConnectorError(`Shopify answered success for ${what} but the change is not there when read back`, { kind: 'write_not_applied', details });

/** ORDERS_CREATE <- orders/create */
export const topicEnum = (topic: string) => topic.replace('/', '_').toUpperCase();

export function createShopifyClient(context: ConnectorContext<ShopifyCredentials, ShopifyConfig>): ConnectorClient {
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

  /** A page size whose requested cost fits the store's bucket (small buckets get small pages). */
  function pageSize(wanted: number, perNode: number): number {
    const maximum = Math.min(gql.maximumAvailable() ?? 1000, 1000);
    return Math.max(1, Math.min(wanted, 250, Math.floor((maximum - 2) / perNode)));
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

  return {
    testConnection: () => shop(),
    listingsOf: (product) => toListings(product, config.shop),

    async listProducts(options = {}): Promise<Page<Product>> {
      const first = pageSize(options.limit ?? 25, 3 + VARIANTS_PER_PRODUCT_PAGE);
      const { products } = await call<{ products: { nodes: ShopifyProductNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>({
        operation: 'Products',
        query: Q.PRODUCTS,
        variables: {
          first,
          after: options.cursor ?? null,
          query: options.updatedSince ? `updated_at:>='${options.updatedSince}'` : null,
          variantsFirst: VARIANTS_PER_PRODUCT_PAGE,
        },
        cost: Q.estimateCost.Products(first, VARIANTS_PER_PRODUCT_PAGE),
        idempotent: true,
      });
      const { currency } = await shop();
      const items: Product[] = [];
      for (const node of products.nodes) {
        // More variants than one page holds: fetch the product alone with all of them.
        if (node.variants?.pageInfo?.hasNextPage) items.push((await getProduct(node.id)) ?? toProduct(node, currency));
        else items.push(toProduct(node, currency));
      }
      return { items, nextCursor: products.pageInfo.hasNextPage ? products.pageInfo.endCursor : null };
    },

    getProduct,

    async createProduct(raw: ProductInput): Promise<Product> {
      const input = productInputSchema.parse(raw);
      const { currency } = await shop();
      const optionNames = [...new Set(input.variants.flatMap((v) => Object.keys(v.attributes)))];
      const options = optionNames.length > 0 ? optionNames : ['Title'];
      const optionValue = (variant: (typeof input.variants)[number], name: string) =>
        variant.attributes[name] ?? (name === 'Title' ? (variant.title ?? variant.sku) : 'Default');
      let productId: string | null = null;
      for (let attempt = 1; productId === null; attempt++) {
        try {
          const { productCreate } = await call<{ productCreate: { product: { id: string } | null } & UserErrors }>({
            operation: 'ProductCreate',
            query: Q.PRODUCT_CREATE,
            variables: {
              product: {
                title: input.title,
                descriptionHtml: input.description,
                vendor: input.vendor,
                productType: input.productType,
                status: input.status.toUpperCase(),
                tags: input.tags,
                handle: input.handle,
                productOptions: options.map((name) => ({
                  name,
                  values: [...new Set(input.variants.map((v) => optionValue(v, name)))].map((value) => ({ name: value })),
                })),
              },
            },
            cost: MUTATION,
            idempotent: false,
          });
          assertNoUserErrors('productCreate', productCreate.userErrors);
          productId = productCreate.product?.id ?? null;
          if (!productId) throw new ConnectorError('Shopify productCreate returned no product', { kind: 'protocol' });
        } catch (error) {
          // The answer was lost: with a handle we can tell whether the product exists before trying again.
          if (!isAmbiguous(error) || !input.handle || attempt >= 4) throw error;
          await wait(200 * attempt, context.signal);
          productId = (await findByHandle(input.handle))?.id ?? null;
        }
      }

      const location = await primaryLocation();
      const variantsInput = (variants: typeof input.variants) =>
        variants.map((variant) => ({
          price: fromMinorUnits(variant.price.amount, currency),
          compareAtPrice: variant.compareAtPrice ? fromMinorUnits(variant.compareAtPrice.amount, currency) : null,
          optionValues: options.map((name) => ({ optionName: name, name: optionValue(variant, name) })),
          inventoryItem: { sku: variant.sku, tracked: true },
          inventoryQuantities: variant.quantity === undefined ? undefined : [{ availableQuantity: variant.quantity, locationId: location }],
        }));
      let pending = input.variants;
      for (let attempt = 1; pending.length > 0; attempt++) {
        try {
          const { productVariantsBulkCreate } = await call<{ productVariantsBulkCreate: UserErrors }>({
            operation: 'ProductVariantsBulkCreate',
            query: Q.PRODUCT_VARIANTS_BULK_CREATE,
            variables: { productId, variants: variantsInput(pending), strategy: 'REMOVE_STANDALONE_VARIANT' },
            cost: MUTATION,
            idempotent: false,
          });
          if (productVariantsBulkCreate.userErrors.some((e) => /does not exist/i.test(e.message))) throw notApplied('productCreate', { productId });
          assertNoUserErrors('productVariantsBulkCreate', productVariantsBulkCreate.userErrors);
          pending = [];
        } catch (error) {
          if (!isAmbiguous(error) || attempt >= 4) throw error;
          await wait(200 * attempt, context.signal);
          const existing = new Set((await getProduct(productId))?.variants.map((v) => v.sku));
          pending = pending.filter((variant) => !existing.has(variant.sku));
        }
      }
      const created = await getProduct(productId);
      if (!created) throw notApplied('productCreate', { productId });
      const missing = input.variants.filter((variant) => !created.variants.some((v) => v.sku === variant.sku));
      if (missing.length > 0) throw notApplied('productVariantsBulkCreate', { productId, missingSkus: missing.map((v) => v.sku) });
      return created;
    },

    async updateProduct(input: ProductUpdate): Promise<Product> {
      const { productUpdate } = await call<{ productUpdate: UserErrors }>({
        operation: 'ProductUpdate',
        query: Q.PRODUCT_UPDATE,
        variables: {
          product: {
            id: input.channelId,
            title: input.title,
            descriptionHtml: input.description,
            status: input.status?.toUpperCase(),
            tags: input.tags,
            vendor: input.vendor,
            productType: input.productType,
          },
        },
        cost: MUTATION,
        idempotent: true,
      });
      if (productUpdate.userErrors.some((e) => /does not exist/i.test(e.message)))
        throw new ConnectorError(`Shopify product ${input.channelId} not found`, { kind: 'not_found', details: { userErrors: productUpdate.userErrors } });
      assertNoUserErrors('productUpdate', productUpdate.userErrors);
      const product = await getProduct(input.channelId);
      if (!product) throw new ConnectorError(`Shopify product ${input.channelId} not found`, { kind: 'not_found' });
      const mismatched = (
        [
          ['title', input.title, product.title],
          ['description', input.description, product.description],
          ['status', input.status, product.status],
          ['vendor', input.vendor, product.vendor],
          ['productType', input.productType, product.productType],
        ] as const
      ).filter(([, wanted, actual]) => wanted !== undefined && wanted !== actual);
      if (input.tags && JSON.stringify(input.tags) !== JSON.stringify(product.tags)) mismatched.push(['tags', '', ''] as never);
      if (mismatched.length > 0) throw notApplied('productUpdate', { productId: input.channelId, fields: mismatched.map(([field]) => field) });
      return product;
    },

    async deleteProduct(channelId: string): Promise<void> {
      const { productDelete } = await call<{ productDelete: UserErrors }>({
        operation: 'ProductDelete',
        query: Q.PRODUCT_DELETE,
        variables: { input: { id: channelId } },
        cost: MUTATION,
        idempotent: true,
      });
      const gone = productDelete.userErrors.some((e) => /does not exist/i.test(e.message));
      if (!gone) assertNoUserErrors('productDelete', productDelete.userErrors);
      if (!gone && (await getProduct(channelId)) !== null) throw notApplied('productDelete', { productId: channelId });
    },

    async updatePrices(updates: PriceUpdate[]): Promise<void> {
      const byProduct = new Map<string, PriceUpdate[]>();
      for (const update of updates) byProduct.set(update.channelProductId, [...(byProduct.get(update.channelProductId) ?? []), update]);
      for (const [productId, items] of byProduct) {
        const { productVariantsBulkUpdate } = await call<{ productVariantsBulkUpdate: UserErrors }>({
          operation: 'ProductVariantsBulkUpdate',
          query: Q.PRODUCT_VARIANTS_BULK_UPDATE,
          variables: {
            productId,
            variants: items.map((item) => ({
              id: item.channelVariantId,
              price: fromMinorUnits(item.price.amount, item.price.currency),
              ...(item.compareAtPrice !== undefined
                ? { compareAtPrice: item.compareAtPrice === null ? null : fromMinorUnits(item.compareAtPrice.amount, item.compareAtPrice.currency) }
                : {}),
            })),
          },
          cost: MUTATION,
          idempotent: true,
        });
        assertNoUserErrors('productVariantsBulkUpdate', productVariantsBulkUpdate.userErrors);
        const product = await getProduct(productId);
        const wrong = items.filter((item) => product?.variants.find((v) => v.channelId === item.channelVariantId)?.price.amount !== item.price.amount);
        if (wrong.length > 0) throw notApplied('productVariantsBulkUpdate', { productId, variants: wrong.map((w) => w.channelVariantId) });
      }
    },

    async *exportProducts(options = {}) {
      const { bulkOperationRunQuery } = await call<{ bulkOperationRunQuery: { bulkOperation: { id: string } | null } & UserErrors }>({
        operation: 'BulkOperationRunQuery',
        query: Q.BULK_OPERATION_RUN_QUERY,
        variables: { query: Q.BULK_PRODUCTS_QUERY },
        cost: MUTATION,
        idempotent: false,
      });
      if (bulkOperationRunQuery.userErrors.some((e) => /already in progress/i.test(e.message)))
        throw new ConnectorError('Shopify already runs a bulk operation for this app and shop', {
          kind: 'rate_limited',
          retryAfter: 30_000,
          details: bulkOperationRunQuery.userErrors,
        });
      assertNoUserErrors('bulkOperationRunQuery', bulkOperationRunQuery.userErrors);
      const operationId = bulkOperationRunQuery.bulkOperation?.id;
      const deadline = Date.now() + (options.timeoutMs ?? 3_600_000);
      let url: string | null = null;
      for (;;) {
        const { currentBulkOperation: op } = await call<{
          currentBulkOperation: { id: string; status: string; errorCode: string | null; url: string | null } | null;
        }>({
          operation: 'CurrentBulkOperation',
          query: Q.CURRENT_BULK_OPERATION,
          cost: 1,
          idempotent: true,
        });
        if (!op || op.id !== operationId) throw new ConnectorError('Shopify bulk operation disappeared', { kind: 'protocol' });
        if (op.status === 'COMPLETED') {
          url = op.url;
          break;
        }
        if (['FAILED', 'CANCELED', 'EXPIRED'].includes(op.status))
          throw new ConnectorError(`Shopify bulk operation ${op.status.toLowerCase()}: ${op.errorCode ?? 'no error code'}`, { kind: 'upstream' });
        if (Date.now() > deadline) throw new ConnectorError('Shopify bulk operation did not finish in time', { kind: 'upstream' });
        await wait(options.pollIntervalMs ?? 2000, context.signal);
      }
      if (!url) return; // an empty store: Shopify gives no file
      const response = await (context.fetch ?? fetch)(url, { signal: context.signal });
      if (!response.ok)
        throw new ConnectorError(`Shopify bulk result download failed (${response.status})`, { kind: 'upstream', upstreamStatus: response.status });
      const { currency } = await shop();
      // JSONL: each product line is followed by its variants (`__parentId`), as Shopify documents.
      let current: { node: ShopifyProductNode; variants: ShopifyVariantNode[] } | null = null;
      for (const line of (await response.text()).split('\n')) {
        if (!line.trim()) continue;
        const row = JSON.parse(line) as Record<string, unknown>;
        if (typeof row.__parentId === 'string') {
          if (current && row.__parentId === current.node.id) current.variants.push(row as unknown as ShopifyVariantNode);
          continue;
        }
        if (current) yield toProduct(current.node, currency, current.variants);
        current = { node: row as unknown as ShopifyProductNode, variants: [] };
      }
      if (current) yield toProduct(current.node, currency, current.variants);
    },

    getInventory,

    async setInventory(levels: InventorySet[]): Promise<InventoryLevel[]> {
      const location = await primaryLocation();
      for (const batch of chunk(levels, 250)) {
        const { inventorySetQuantities } = await call<{ inventorySetQuantities: UserErrors }>({
          operation: 'InventorySetQuantities',
          query: Q.INVENTORY_SET_QUANTITIES,
          variables: {
            input: {
              name: 'available',
              reason: 'correction',
              ignoreCompareQuantity: true,
              quantities: batch.map((level) => ({
                inventoryItemId: level.inventoryItemId,
                locationId: level.locationId ?? location,
                quantity: level.available,
              })),
            },
          },
          cost: MUTATION,
          idempotent: true, // absolute quantities: sending twice sets the same value
        });
        assertNoUserErrors('inventorySetQuantities', inventorySetQuantities.userErrors);
      }
      // Read back: a 200 is not proof (see the emulator's dropWrites fault).
      const actual = await getInventory([...new Set(levels.map((l) => l.inventoryItemId))]);
      const wrong = levels.filter((wanted) => {
        const found = actual.find((a) => a.inventoryItemId === wanted.inventoryItemId && a.locationId === (wanted.locationId ?? location));
        return found?.available !== wanted.available;
      });
      if (wrong.length > 0) throw notApplied('inventorySetQuantities', { inventoryItemIds: wrong.map((w) => w.inventoryItemId) });
      return actual;
    },

    async listOrders(options = {}): Promise<Page<Order>> {
      const first = pageSize(options.limit ?? 25, 3 + LINES_PER_ORDER);
      const { orders } = await call<{ orders: { nodes: ShopifyOrderNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }>({
        operation: 'Orders',
        query: Q.ORDERS,
        variables: {
          first,
          after: options.cursor ?? null,
          query: options.updatedSince ? `updated_at:>='${options.updatedSince}'` : null,
          linesFirst: LINES_PER_ORDER,
          sortKey: 'UPDATED_AT',
        },
        cost: Q.estimateCost.Orders(first, LINES_PER_ORDER),
        idempotent: true,
      });
      return { items: orders.nodes.map(toOrder), nextCursor: orders.pageInfo.hasNextPage ? orders.pageInfo.endCursor : null };
    },

    async fulfillOrder(raw: FulfillmentInput): Promise<Order> {
      const input = fulfillmentInputSchema.parse(raw);
      const readOrder = async () => {
        const { order } = await call<{ order: ShopifyOrderNode | null }>({
          operation: 'Order',
          query: Q.ORDER,
          variables: { id: input.channelOrderId, linesFirst: LINES_PER_ORDER },
          cost: 4 + LINES_PER_ORDER,
          idempotent: true,
        });
        if (!order) throw new ConnectorError(`Shopify order ${input.channelOrderId} not found`, { kind: 'not_found' });
        return toOrder(order);
      };
      for (let attempt = 1; ; attempt++) {
        const { order } = await call<{ order: { fulfillmentOrders: { nodes: Array<{ id: string; status: string }> } } | null }>({
          operation: 'OrderFulfillmentOrders',
          query: Q.ORDER_FULFILLMENT_ORDERS,
          variables: { id: input.channelOrderId },
          cost: 8,
          idempotent: true,
        });
        if (!order) throw new ConnectorError(`Shopify order ${input.channelOrderId} not found`, { kind: 'not_found' });
        const open = order.fulfillmentOrders.nodes.filter((fo) => fo.status === 'OPEN' || fo.status === 'IN_PROGRESS');
        if (open.length === 0) break; // nothing left to ship (also the answer to a retried call)
        try {
          const { fulfillmentCreate } = await call<{ fulfillmentCreate: UserErrors }>({
            operation: 'FulfillmentCreate',
            query: Q.FULFILLMENT_CREATE,
            variables: {
              fulfillment: {
                lineItemsByFulfillmentOrder: open.map((fo) => ({ fulfillmentOrderId: fo.id })),
                notifyCustomer: input.notifyCustomer,
                ...(input.tracking ? { trackingInfo: input.tracking } : {}),
              },
            },
            cost: MUTATION,
            idempotent: false,
          });
          assertNoUserErrors('fulfillmentCreate', fulfillmentCreate.userErrors);
          break;
        } catch (error) {
          // A lost answer: the next look at the fulfillment orders tells whether it shipped.
          if (!isAmbiguous(error) || attempt >= 4) throw error;
          await wait(200 * attempt, context.signal);
        }
      }
      const order = await readOrder();
      if (order.fulfillmentStatus !== 'fulfilled' && !order.cancelled) throw notApplied('fulfillmentCreate', { orderId: input.channelOrderId });
      return order;
    },

    async subscribeWebhooks(callbackUrl: string, topics: string[]) {
      const out: Array<{ topic: string; id: string }> = [];
      for (const topic of topics) {
        const { webhookSubscriptionCreate } = await call<{ webhookSubscriptionCreate: { webhookSubscription: { id: string } | null } & UserErrors }>({
          operation: 'WebhookSubscriptionCreate',
          query: Q.WEBHOOK_SUBSCRIPTION_CREATE,
          variables: { topic: topicEnum(topic), webhookSubscription: { callbackUrl, format: 'JSON' } },
          cost: MUTATION,
          idempotent: true,
        });
        if (webhookSubscriptionCreate.userErrors.some((e) => /already been taken/i.test(e.message))) {
          out.push({ topic, id: 'existing' });
          continue;
        }
        assertNoUserErrors('webhookSubscriptionCreate', webhookSubscriptionCreate.userErrors);
        out.push({ topic, id: webhookSubscriptionCreate.webhookSubscription?.id ?? '' });
      }
      return out;
    },
  };
}

import { z } from 'zod';
import type { EmuOrder, EmuProduct, EmuShop, EmuVariant } from '../shop-state.ts';
import { inventoryWebhookPayload, LOCATION_ID, orderWebhookPayload, productWebhookPayload, renderOrder, renderProduct } from './shopify-render.ts';
import { gid, parseGid, shopifyStateOf } from './shopify-state.ts';

/**
 * The Admin GraphQL operations the emulator answers, matched by operation name (it is not a
 * GraphQL engine). Each declares its variables (validated), the access scope it needs, the root
 * field its query text must contain, and its cost as documented in docs/connectors.md:
 * objects 1, connections 2 + first × (cost of a node), mutations 10.
 */
export interface OperationContext {
  shop: EmuShop;
  now: Date;
  /** The emulator's own base URL, for bulk operation result files. */
  baseUrl: string;
  emit(topic: string, payload: unknown): void;
  /** True when this write must be answered as if applied but dropped (the "silent write failure" fault). */
  dropWrite(): boolean;
}

export interface Operation {
  kind: 'query' | 'mutation';
  rootField: string;
  scope: string;
  variables: z.ZodType;
  // biome-ignore lint/suspicious/noExplicitAny: variables are whatever this operation's own zod schema parsed
  requestedCost(variables: any): number;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  run(context: OperationContext, variables: any): { data: unknown; actualCost?: number };
}

const cursorOf = (key: string | number, id: number) => Buffer.from(JSON.stringify({ k: key, id })).toString('base64url');
function readCursor(cursor: string | null | undefined): { k: string | number; id: number } | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed?.id === 'number') return parsed;
  } catch {}
  throw new GraphqlUserError(`Invalid cursor: ${cursor}`, 'BAD_REQUEST');
}

export class GraphqlUserError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/** The small subset of Shopify's search syntax the connector uses: `handle:x`, `updated_at:>=ISO` / `updated_at:>ISO`. */
function parseSearch(query: string | null | undefined): { handle?: string; updatedAtMin?: string; inclusive?: boolean } {
  if (!query) return {};
  const out: { handle?: string; updatedAtMin?: string; inclusive?: boolean } = {};
  const handle = /handle:'?([^'\s]+)'?/.exec(query);
  if (handle) out.handle = handle[1];
  const updated = /updated_at:(>=?)'?([^'\s]+)'?/.exec(query);
  if (updated) {
    out.updatedAtMin = updated[2];
    out.inclusive = updated[1] === '>=';
  }
  return out;
}

function page<T extends { id: number }>(items: T[], key: (item: T) => string | number, first: number, after: string | null | undefined) {
  const cursor = readCursor(after);
  const sorted = [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id));
  const start = cursor ? sorted.filter((item) => key(item) > cursor.k || (key(item) === cursor.k && item.id > cursor.id)) : sorted;
  const slice = start.slice(0, first);
  const last = slice.at(-1);
  return { slice, hasNextPage: start.length > slice.length, endCursor: last ? cursorOf(key(last), last.id) : null };
}

const first = z.number().int().min(1).max(250);
const id = z.string().regex(/^gid:\/\/shopify\/\w+\/\d+$/);
const moneyString = z.string().regex(/^\d+(\.\d+)?$/);

const userError = (field: string[], message: string) => ({ field, message });

function touch(product: EmuProduct, now: Date) {
  product.updatedAt = now.toISOString();
}

function findOrder(shop: EmuShop, orderId: string): EmuOrder | undefined {
  const numeric = parseGid(orderId, 'Order');
  return numeric === null ? undefined : shop.orders.get(numeric);
}

function findProduct(shop: EmuShop, productId: string): EmuProduct | undefined {
  const numeric = parseGid(productId, 'Product');
  return numeric === null ? undefined : shop.products.get(numeric);
}

const slugify = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);

const productInput = z.object({
  title: z.string().optional(),
  descriptionHtml: z.string().optional(),
  vendor: z.string().optional(),
  productType: z.string().optional(),
  status: z.enum(['ACTIVE', 'DRAFT', 'ARCHIVED']).optional(),
  tags: z.array(z.string()).optional(),
  handle: z.string().optional(),
  productOptions: z.array(z.object({ name: z.string(), values: z.array(z.object({ name: z.string() })) })).optional(),
});

const variantBulkInput = z.object({
  id: id.optional(),
  price: moneyString.optional(),
  compareAtPrice: moneyString.nullable().optional(),
  optionValues: z.array(z.object({ optionName: z.string(), name: z.string() })).optional(),
  inventoryItem: z.object({ sku: z.string().optional(), tracked: z.boolean().optional() }).optional(),
  inventoryQuantities: z.array(z.object({ availableQuantity: z.number().int(), locationId: id })).optional(),
});

function toMinor(value: string, currency: string): number {
  const exponent = ['JPY', 'KRW', 'CLP'].includes(currency) ? 0 : 2;
  const [whole = '0', fraction = ''] = value.split('.');
  return Number(whole) * 10 ** exponent + Number((fraction.replace(/0+$/, '') || '0').padEnd(exponent, '0').slice(0, exponent) || 0);
}

export const operations: Record<string, Operation> = {
  Shop: {
    kind: 'query',
    rootField: 'shop',
    scope: '',
    variables: z.object({}).passthrough(),
    requestedCost: () => 1,
    run: ({ shop }) => ({
      data: {
        shop: { id: gid('Shop', 1), name: shop.name, myshopifyDomain: shop.shop, currencyCode: shop.currency, primaryDomain: { url: `https://${shop.shop}` } },
      },
    }),
  },

  PrimaryLocation: {
    kind: 'query',
    rootField: 'location',
    scope: 'read_inventory',
    variables: z.object({}).passthrough(),
    requestedCost: () => 1,
    run: () => ({ data: { location: { id: gid('Location', LOCATION_ID), name: 'Main warehouse' } } }),
  },

  Products: {
    kind: 'query',
    rootField: 'products',
    scope: 'read_products',
    variables: z.object({ first, after: z.string().nullish(), query: z.string().nullish(), variantsFirst: first }),
    requestedCost: (v) => 2 + v.first * (3 + v.variantsFirst),
    run: ({ shop }, v) => {
      const search = parseSearch(v.query);
      let items = [...shop.products.values()];
      if (search.handle) items = items.filter((p) => p.handle === search.handle);
      const min = search.updatedAtMin;
      if (min) items = items.filter((p) => (search.inclusive ? p.updatedAt >= min : p.updatedAt > min));
      const { slice, hasNextPage, endCursor } = page(items, (p) => p.id, v.first, v.after);
      return {
        data: { products: { nodes: slice.map((p) => renderProduct(shop, p, v.variantsFirst)), pageInfo: { hasNextPage, endCursor } } },
        actualCost: 2 + slice.reduce((sum, p) => sum + 3 + Math.min(p.variants.length, v.variantsFirst), 0),
      };
    },
  },

  Product: {
    kind: 'query',
    rootField: 'product',
    scope: 'read_products',
    variables: z.object({ id, variantsFirst: first }),
    requestedCost: (v) => 3 + v.variantsFirst,
    run: ({ shop }, v) => {
      const product = findProduct(shop, v.id);
      return { data: { product: product ? renderProduct(shop, product, v.variantsFirst) : null }, actualCost: product ? 3 + product.variants.length : 1 };
    },
  },

  ProductCreate: {
    kind: 'mutation',
    rootField: 'productCreate',
    scope: 'write_products',
    variables: z.object({ product: productInput }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      if (!v.product.title?.trim()) return { data: { productCreate: { product: null, userErrors: [userError(['title'], "Title can't be blank")] } } };
      const productId = shop.nextId();
      let handle = v.product.handle ? slugify(v.product.handle) : slugify(v.product.title);
      const taken = new Set([...shop.products.values()].map((p) => p.handle));
      for (let n = 1; taken.has(handle); n++) handle = `${v.product.handle ? slugify(v.product.handle) : slugify(v.product.title)}-${n}`;
      const inventoryItemId = shop.nextId();
      const product: EmuProduct = {
        id: productId,
        title: v.product.title,
        description: v.product.descriptionHtml ?? '',
        vendor: v.product.vendor ?? shop.name,
        productType: v.product.productType ?? '',
        status: (v.product.status ?? 'ACTIVE').toLowerCase() as EmuProduct['status'],
        tags: v.product.tags ?? [],
        handle,
        images: [],
        videos: 0,
        attributes: {},
        variants: [
          {
            id: shop.nextId(),
            productId,
            sku: '',
            title: 'Default Title',
            priceMinor: 0,
            compareAtMinor: null,
            options: { Title: 'Default Title' },
            inventoryItemId,
            priceUpdatedAt: now.toISOString(),
          },
        ],
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
      };
      if (!context.dropWrite()) {
        shop.products.set(productId, product);
        shop.stock.set(inventoryItemId, 0);
        context.emit('products/create', productWebhookPayload(shop, product));
      }
      return { data: { productCreate: { product: renderProduct(shop, product), userErrors: [] } } };
    },
  },

  ProductVariantsBulkCreate: {
    kind: 'mutation',
    rootField: 'productVariantsBulkCreate',
    scope: 'write_products',
    variables: z.object({
      productId: id,
      variants: z.array(variantBulkInput).min(1).max(250),
      strategy: z.enum(['DEFAULT', 'REMOVE_STANDALONE_VARIANT', 'PRESERVE_STANDALONE_VARIANT']).optional(),
    }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const product = findProduct(shop, v.productId);
      if (!product) return { data: { productVariantsBulkCreate: { productVariants: [], userErrors: [userError(['productId'], 'Product does not exist')] } } };
      const created: EmuVariant[] = [];
      for (const input of v.variants as z.infer<typeof variantBulkInput>[]) {
        const options = Object.fromEntries((input.optionValues ?? []).map((o) => [o.optionName, o.name]));
        created.push({
          id: shop.nextId(),
          productId: product.id,
          sku: input.inventoryItem?.sku ?? '',
          title: Object.values(options).join(' / ') || 'Default Title',
          priceMinor: toMinor(input.price ?? '0', shop.currency),
          compareAtMinor: input.compareAtPrice ? toMinor(input.compareAtPrice, shop.currency) : null,
          options,
          inventoryItemId: shop.nextId(),
          priceUpdatedAt: now.toISOString(),
        });
      }
      if (!context.dropWrite()) {
        if (v.strategy === 'REMOVE_STANDALONE_VARIANT') product.variants = product.variants.filter((variant) => variant.title !== 'Default Title');
        v.variants.forEach((input: z.infer<typeof variantBulkInput>, i: number) => {
          const variant = created[i] as EmuVariant;
          shop.stock.set(variant.inventoryItemId, input.inventoryQuantities?.[0]?.availableQuantity ?? 0);
          product.variants.push(variant);
        });
        touch(product, now);
        context.emit('products/update', productWebhookPayload(shop, product));
      }
      const rendered = renderProduct(shop, { ...product, variants: created }).variants.nodes;
      return { data: { productVariantsBulkCreate: { productVariants: rendered, userErrors: [] } } };
    },
  },

  ProductUpdate: {
    kind: 'mutation',
    rootField: 'productUpdate',
    scope: 'write_products',
    variables: z.object({ product: productInput.extend({ id }) }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const product = findProduct(shop, v.product.id);
      if (!product) return { data: { productUpdate: { product: null, userErrors: [userError(['id'], 'Product does not exist')] } } };
      if (v.product.title !== undefined && !v.product.title.trim())
        return { data: { productUpdate: { product: null, userErrors: [userError(['title'], "Title can't be blank")] } } };
      const next: EmuProduct = {
        ...product,
        title: v.product.title ?? product.title,
        description: v.product.descriptionHtml ?? product.description,
        vendor: v.product.vendor ?? product.vendor,
        productType: v.product.productType ?? product.productType,
        status: v.product.status ? v.product.status.toLowerCase() : product.status,
        tags: v.product.tags ?? product.tags,
        updatedAt: now.toISOString(),
      };
      if (!context.dropWrite()) {
        shop.products.set(product.id, next);
        context.emit('products/update', productWebhookPayload(shop, next));
      }
      return { data: { productUpdate: { product: renderProduct(shop, next), userErrors: [] } } };
    },
  },

  ProductDelete: {
    kind: 'mutation',
    rootField: 'productDelete',
    scope: 'write_products',
    variables: z.object({ input: z.object({ id }) }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop } = context;
      const product = findProduct(shop, v.input.id);
      if (!product) return { data: { productDelete: { deletedProductId: null, userErrors: [userError(['id'], 'Product does not exist')] } } };
      if (!context.dropWrite()) {
        shop.products.delete(product.id);
        for (const variant of product.variants) shop.stock.delete(variant.inventoryItemId);
        context.emit('products/delete', { id: product.id });
      }
      return { data: { productDelete: { deletedProductId: gid('Product', product.id), userErrors: [] } } };
    },
  },

  ProductVariantsBulkUpdate: {
    kind: 'mutation',
    rootField: 'productVariantsBulkUpdate',
    scope: 'write_products',
    variables: z.object({ productId: id, variants: z.array(variantBulkInput.extend({ id })).min(1).max(250) }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const product = findProduct(shop, v.productId);
      if (!product) return { data: { productVariantsBulkUpdate: { productVariants: [], userErrors: [userError(['productId'], 'Product does not exist')] } } };
      const missing = v.variants.find((input: { id: string }) => !product.variants.some((variant) => gid('ProductVariant', variant.id) === input.id));
      if (missing)
        return {
          data: { productVariantsBulkUpdate: { productVariants: [], userErrors: [userError(['variants', '0', 'id'], 'Product variant does not exist')] } },
        };
      if (!context.dropWrite()) {
        for (const input of v.variants as Array<z.infer<typeof variantBulkInput> & { id: string }>) {
          const variant = product.variants.find((candidate) => gid('ProductVariant', candidate.id) === input.id) as EmuVariant;
          if (input.price !== undefined) {
            variant.priceMinor = toMinor(input.price, shop.currency);
            variant.priceUpdatedAt = now.toISOString();
          }
          if (input.compareAtPrice !== undefined) variant.compareAtMinor = input.compareAtPrice === null ? null : toMinor(input.compareAtPrice, shop.currency);
          if (input.inventoryItem?.sku !== undefined) variant.sku = input.inventoryItem.sku;
        }
        touch(product, now);
        context.emit('products/update', productWebhookPayload(shop, product));
      }
      const ids = new Set(v.variants.map((input: { id: string }) => input.id));
      return {
        data: { productVariantsBulkUpdate: { productVariants: renderProduct(shop, product).variants.nodes.filter((n) => ids.has(n.id)), userErrors: [] } },
      };
    },
  },

  InventorySetQuantities: {
    kind: 'mutation',
    rootField: 'inventorySetQuantities',
    scope: 'write_inventory',
    variables: z.object({
      input: z.object({
        name: z.literal('available'),
        reason: z.string(),
        ignoreCompareQuantity: z.boolean().optional(),
        quantities: z
          .array(z.object({ inventoryItemId: id, locationId: id, quantity: z.number().int(), compareQuantity: z.number().int().nullish() }))
          .min(1)
          .max(250),
      }),
    }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const changes = [];
      for (const [index, quantity] of v.input.quantities.entries()) {
        const itemId = parseGid(quantity.inventoryItemId, 'InventoryItem');
        if (itemId === null || !shop.stock.has(itemId))
          return {
            data: {
              inventorySetQuantities: {
                inventoryAdjustmentGroup: null,
                userErrors: [userError(['input', 'quantities', String(index), 'inventoryItemId'], 'The specified inventory item could not be found.')],
              },
            },
          };
        if (parseGid(quantity.locationId, 'Location') !== LOCATION_ID)
          return {
            data: {
              inventorySetQuantities: {
                inventoryAdjustmentGroup: null,
                userErrors: [userError(['input', 'quantities', String(index), 'locationId'], 'The specified location could not be found.')],
              },
            },
          };
        if (!v.input.ignoreCompareQuantity && quantity.compareQuantity != null && quantity.compareQuantity !== shop.stock.get(itemId))
          return {
            data: {
              inventorySetQuantities: {
                inventoryAdjustmentGroup: null,
                userErrors: [
                  {
                    field: ['input', 'quantities', String(index), 'compareQuantity'],
                    message: 'The compareQuantity argument no longer matches the persisted quantity.',
                    code: 'COMPARE_QUANTITY_STALE',
                  },
                ],
              },
            },
          };
        changes.push({ itemId, quantity: quantity.quantity, delta: quantity.quantity - (shop.stock.get(itemId) ?? 0) });
      }
      if (!context.dropWrite()) {
        for (const change of changes) {
          shop.stock.set(change.itemId, change.quantity);
          context.emit('inventory_levels/update', inventoryWebhookPayload(change.itemId, change.quantity, now.toISOString()));
        }
      }
      return {
        data: {
          inventorySetQuantities: {
            inventoryAdjustmentGroup: { reason: v.input.reason, changes: changes.map((c) => ({ name: 'available', delta: c.delta })) },
            userErrors: [],
          },
        },
      };
    },
  },

  InventoryLevels: {
    kind: 'query',
    rootField: 'nodes',
    scope: 'read_inventory',
    variables: z.object({ ids: z.array(id).min(1).max(250) }),
    requestedCost: (v) => 1 + v.ids.length * 3,
    run: ({ shop }, v) => {
      const skuOf = new Map<number, string>();
      for (const product of shop.products.values()) for (const variant of product.variants) skuOf.set(variant.inventoryItemId, variant.sku);
      const nodes = v.ids.map((value: string) => {
        const itemId = parseGid(value, 'InventoryItem');
        if (itemId === null || !shop.stock.has(itemId)) return null;
        return {
          id: value,
          sku: skuOf.get(itemId) ?? null,
          inventoryLevels: {
            nodes: [{ location: { id: gid('Location', LOCATION_ID) }, quantities: [{ name: 'available', quantity: shop.stock.get(itemId) ?? 0 }] }],
          },
        };
      });
      return { data: { nodes } };
    },
  },

  Orders: {
    kind: 'query',
    rootField: 'orders',
    scope: 'read_orders',
    variables: z.object({
      first,
      after: z.string().nullish(),
      query: z.string().nullish(),
      linesFirst: first,
      sortKey: z.enum(['UPDATED_AT', 'CREATED_AT', 'ID']).optional(),
    }),
    requestedCost: (v) => 2 + v.first * (3 + v.linesFirst),
    run: ({ shop }, v) => {
      const search = parseSearch(v.query);
      let items = [...shop.orders.values()];
      const min = search.updatedAtMin;
      if (min) items = items.filter((o) => (search.inclusive ? o.updatedAt >= min : o.updatedAt > min));
      const key =
        v.sortKey === 'UPDATED_AT'
          ? (o: { updatedAt: string }) => o.updatedAt
          : v.sortKey === 'CREATED_AT'
            ? (o: { createdAt: string }) => o.createdAt
            : (o: { id: number }) => o.id;
      const { slice, hasNextPage, endCursor } = page(items, key as (o: (typeof items)[number]) => string | number, v.first, v.after);
      return {
        data: { orders: { nodes: slice.map((o) => renderOrder(o, v.linesFirst)), pageInfo: { hasNextPage, endCursor } } },
        actualCost: 2 + slice.reduce((sum, o) => sum + 3 + Math.min(o.lines.length, v.linesFirst), 0),
      };
    },
  },

  Order: {
    kind: 'query',
    rootField: 'order',
    scope: 'read_orders',
    variables: z.object({ id, linesFirst: first }),
    requestedCost: (v) => 4 + v.linesFirst,
    run: ({ shop }, v) => {
      const order = findOrder(shop, v.id);
      return { data: { order: order ? renderOrder(order, v.linesFirst) : null }, actualCost: order ? 4 + order.lines.length : 1 };
    },
  },

  OrderFulfillmentOrders: {
    kind: 'query',
    rootField: 'order',
    scope: 'read_merchant_managed_fulfillment_orders',
    variables: z.object({ id }),
    requestedCost: () => 8,
    run: ({ shop }, v) => {
      const order = findOrder(shop, v.id);
      const open = order && order.fulfillmentStatus === 'unfulfilled' && order.cancelledAt === null;
      return {
        data: {
          order: order
            ? { id: v.id, fulfillmentOrders: { nodes: [{ id: gid('FulfillmentOrder', order.fulfillmentOrderId), status: open ? 'OPEN' : 'CLOSED' }] } }
            : null,
        },
      };
    },
  },

  FulfillmentCreate: {
    kind: 'mutation',
    rootField: 'fulfillmentCreate',
    scope: 'write_merchant_managed_fulfillment_orders',
    variables: z.object({
      fulfillment: z.object({
        lineItemsByFulfillmentOrder: z.array(z.object({ fulfillmentOrderId: id })).min(1),
        notifyCustomer: z.boolean().optional(),
        trackingInfo: z.object({ company: z.string().nullish(), number: z.string().nullish(), url: z.string().nullish() }).optional(),
      }),
      message: z.string().nullish(),
    }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const orders = [];
      for (const [index, entry] of v.fulfillment.lineItemsByFulfillmentOrder.entries()) {
        const numeric = parseGid(entry.fulfillmentOrderId, 'FulfillmentOrder');
        const order = [...shop.orders.values()].find((o) => o.fulfillmentOrderId === numeric);
        const field = ['fulfillment', 'lineItemsByFulfillmentOrder', String(index), 'fulfillmentOrderId'];
        if (!order) return { data: { fulfillmentCreate: { fulfillment: null, userErrors: [userError(field, 'Fulfillment order does not exist.')] } } };
        if (order.fulfillmentStatus !== 'unfulfilled' || order.cancelledAt !== null)
          return {
            data: {
              fulfillmentCreate: {
                fulfillment: null,
                userErrors: [userError(field, `Fulfillment order ${entry.fulfillmentOrderId} has an unfulfillable status= closed.`)],
              },
            },
          };
        orders.push(order);
      }
      const tracking = v.fulfillment.trackingInfo ?? {};
      const fulfillment = {
        id: shop.nextId(),
        company: tracking.company ?? null,
        number: tracking.number ?? null,
        url: tracking.url ?? null,
        createdAt: now.toISOString(),
      };
      if (!context.dropWrite()) {
        for (const order of orders) {
          order.fulfillmentStatus = 'fulfilled';
          order.fulfillments.push(fulfillment);
          order.updatedAt = now.toISOString();
          context.emit('orders/fulfilled', orderWebhookPayload(order));
          context.emit('orders/updated', orderWebhookPayload(order));
        }
      }
      return {
        data: {
          fulfillmentCreate: {
            fulfillment: {
              id: gid('Fulfillment', fulfillment.id),
              status: 'SUCCESS',
              trackingInfo: [{ company: fulfillment.company, number: fulfillment.number, url: fulfillment.url }],
            },
            userErrors: [],
          },
        },
      };
    },
  },

  WebhookSubscriptionCreate: {
    kind: 'mutation',
    rootField: 'webhookSubscriptionCreate',
    scope: '',
    variables: z.object({
      topic: z.string().regex(/^[A-Z_]+$/),
      webhookSubscription: z.object({ callbackUrl: z.url(), format: z.enum(['JSON', 'XML']).optional() }),
    }),
    requestedCost: () => 10,
    run: ({ shop }, v) => {
      const topic = topicFromEnum(v.topic);
      if (!topic)
        return { data: { webhookSubscriptionCreate: { webhookSubscription: null, userErrors: [userError(['topic'], `Unsupported topic ${v.topic}`)] } } };
      const existing = shop.webhooks.find((w) => w.topic === topic && w.callbackUrl === v.webhookSubscription.callbackUrl);
      if (existing)
        return {
          data: {
            webhookSubscriptionCreate: {
              webhookSubscription: null,
              userErrors: [userError(['webhookSubscription', 'callbackUrl'], 'Address for this topic has already been taken')],
            },
          },
        };
      const subscription = { id: shop.nextId(), topic, callbackUrl: v.webhookSubscription.callbackUrl };
      shop.webhooks.push(subscription);
      return {
        data: { webhookSubscriptionCreate: { webhookSubscription: { id: gid('WebhookSubscription', subscription.id), topic: v.topic }, userErrors: [] } },
      };
    },
  },

  BulkOperationRunQuery: {
    kind: 'mutation',
    rootField: 'bulkOperationRunQuery',
    scope: 'read_products',
    variables: z.object({ query: z.string().min(1) }),
    requestedCost: () => 10,
    run: (context, v) => {
      const { shop, now } = context;
      const state = shopifyStateOf(shop);
      if (state.bulk && (state.bulk.status === 'CREATED' || state.bulk.status === 'RUNNING'))
        return {
          data: {
            bulkOperationRunQuery: {
              bulkOperation: null,
              userErrors: [userError(['query'], `A bulk query operation for this app and shop is already in progress: ${gid('BulkOperation', state.bulk.id)}`)],
            },
          },
        };
      if (!/\bproducts\b/.test(v.query))
        return {
          data: {
            bulkOperationRunQuery: { bulkOperation: null, userErrors: [userError(['query'], 'Emulator: only bulk queries over products are supported')] },
          },
        };
      const lines: string[] = [];
      for (const product of [...shop.products.values()].sort((a, b) => a.id - b.id)) {
        const { variants, ...rest } = renderProduct(shop, product);
        lines.push(JSON.stringify(rest));
        for (const variant of variants.nodes) lines.push(JSON.stringify({ ...variant, __parentId: rest.id }));
      }
      state.bulk = {
        id: shop.nextId(),
        status: 'CREATED',
        createdAt: now.toISOString(),
        completedAt: null,
        readyAt: Date.now() + state.bulkDelayMs,
        objectCount: lines.length,
        jsonl: lines.join('\n') + (lines.length ? '\n' : ''),
      };
      return { data: { bulkOperationRunQuery: { bulkOperation: { id: gid('BulkOperation', state.bulk.id), status: 'CREATED' }, userErrors: [] } } };
    },
  },

  CurrentBulkOperation: {
    kind: 'query',
    rootField: 'currentBulkOperation',
    scope: '',
    variables: z.object({}).passthrough(),
    requestedCost: () => 1,
    run: ({ shop, baseUrl, now }) => {
      const bulk = shopifyStateOf(shop).bulk;
      if (!bulk) return { data: { currentBulkOperation: null } };
      if (bulk.status !== 'COMPLETED') {
        bulk.status = Date.now() >= bulk.readyAt ? 'COMPLETED' : 'RUNNING';
        if (bulk.status === 'COMPLETED') bulk.completedAt = now.toISOString();
      }
      const done = bulk.status === 'COMPLETED';
      return {
        data: {
          currentBulkOperation: {
            id: gid('BulkOperation', bulk.id),
            status: bulk.status,
            errorCode: null,
            objectCount: String(done ? bulk.objectCount : Math.floor(bulk.objectCount / 2)),
            url: done && bulk.objectCount > 0 ? `${baseUrl}/_emulator/files/bulk/${encodeURIComponent(shop.shop)}/${bulk.id}.jsonl` : null,
            createdAt: bulk.createdAt,
            completedAt: bulk.completedAt,
          },
        },
      };
    },
  },
};

/** ORDERS_CREATE -> orders/create */
export function topicFromEnum(value: string): string | null {
  const known: Record<string, string> = {
    ORDERS_CREATE: 'orders/create',
    ORDERS_UPDATED: 'orders/updated',
    ORDERS_FULFILLED: 'orders/fulfilled',
    PRODUCTS_CREATE: 'products/create',
    PRODUCTS_UPDATE: 'products/update',
    PRODUCTS_DELETE: 'products/delete',
    INVENTORY_LEVELS_UPDATE: 'inventory_levels/update',
    APP_UNINSTALLED: 'app/uninstalled',
  };
  return known[value] ?? null;
}

import type { Page, PriceUpdate, Product, ProductInput, ProductUpdate } from '../../contracts/connectors.ts';
import { productInputSchema } from '../../contracts/connectors.ts';
import { fromMinorUnits } from '../../lib/money.ts';
import { ConnectorError } from '../sdk/connector-error.ts';
import type { ConnectorClient } from '../sdk/define-connector.ts';
import { assertNoUserErrors } from './graphql-client.ts';
import { type ShopifyProductNode, type ShopifyVariantNode, toProduct } from './mappers.ts';
import * as Q from './queries.ts';
import { isAmbiguous, MUTATION, notApplied, type ShopifySession, type UserErrors, VARIANTS_PER_PRODUCT_PAGE } from './shopify-session.ts';

/** Catalog: list (cursor pages), read, create (idempotent by handle), update, delete, reprice, bulk export; writes read back. */
export function catalogMethods(session: ShopifySession) {
  const { call, shop, wait, context, primaryLocation, getProduct, findByHandle, pageSize } = session;
  return {
    async listProducts(options = {}): Promise<Page<Product>> {
      const first = await pageSize(options.limit ?? 25, 3 + VARIANTS_PER_PRODUCT_PAGE);
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
  } satisfies Partial<ConnectorClient>;
}

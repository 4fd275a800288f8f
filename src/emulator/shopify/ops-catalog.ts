import { z } from 'zod';
import type { EmuProduct, EmuVariant } from '../shop-state.ts';
import { findProduct, first, id, type Operation, page, parseSearch, productInput, slugify, toMinor, touch, userError, variantBulkInput } from './ops-common.ts';
import { LOCATION_ID, productWebhookPayload, renderProduct } from './shopify-render.ts';
import { gid } from './shopify-state.ts';

/** Shop, location and catalog operations: products with cursor pagination, create/update/delete, variants and prices. */
export const catalogOperations: Record<string, Operation> = {
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
};

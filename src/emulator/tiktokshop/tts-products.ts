import { z } from 'zod';
import { toMinorUnits } from '../../lib/money.ts';
import type { EmuProduct, EmuShop } from '../shop-state.ts';
import type { EmuResponse } from '../shopify/shopify-handler.ts';
import { envelope, ok, pageToken, readPageToken, renderProduct, seconds, statusOf } from './tts-render.ts';
import { parseProductId, parseSkuId, productIdOf, skuIdOf, ttsStateOf } from './tts-state.ts';

export interface WriteContext {
  shop: EmuShop;
  now: Date;
  /** True when the dropWrites fault swallows this write (answered success, nothing changed). */
  dropWrite(): boolean;
  emit(eventType: string, data: Record<string, unknown>): void;
}

const invalid = (message: string) => envelope(200, 12052900, `Invalid request param: ${message}`);
const notFound = (id: string) => envelope(404, 12052700, `Product ${id} does not exist`);
const priceSchema = z.object({ amount: z.string().regex(/^\d+(\.\d+)?$/), currency: z.string().regex(/^[A-Z]{3}$/) });
const idList = z.object({ product_ids: z.array(z.string()).min(1).max(20) });

const productOf = (shop: EmuShop, id: string): EmuProduct | null => {
  const numeric = parseProductId(id);
  return numeric === null ? null : (shop.products.get(numeric) ?? null);
};

/** `POST /product/202309/products/search`: filters status, update_time_ge/lt, seller_skus; ordered by id; page_token. */
export function searchProducts(shop: EmuShop, query: URLSearchParams, body: unknown): EmuResponse {
  const filter = z
    .object({
      status: z.string().optional(),
      update_time_ge: z.number().optional(),
      update_time_lt: z.number().optional(),
      seller_skus: z.array(z.string()).optional(),
    })
    .safeParse(body ?? {});
  if (!filter.success) return invalid('search body');
  const size = Number(query.get('page_size'));
  if (!Number.isInteger(size) || size < 1 || size > 100) return invalid('page_size must be 1-100');
  const offset = readPageToken(query.get('page_token'));
  if (offset === null) return invalid('page_token');
  const f = filter.data;
  const all = [...shop.products.values()]
    .filter(
      (p) =>
        (f.update_time_ge === undefined || seconds(p.updatedAt) >= f.update_time_ge) &&
        (f.update_time_lt === undefined || seconds(p.updatedAt) < f.update_time_lt),
    )
    .filter((p) => !f.seller_skus || p.variants.some((v) => f.seller_skus?.includes(v.sku)))
    .filter((p) => !f.status || f.status === 'ALL' || statusOf(shop, p) === f.status);
  const page = all.slice(offset, offset + size).map((p) => renderProduct(shop, p, 'search'));
  const next = offset + size < all.length ? pageToken(offset + size) : '';
  return ok({ products: page, next_page_token: next, total_count: all.length });
}

export function getProduct(shop: EmuShop, id: string): EmuResponse {
  const product = productOf(shop, id);
  return product ? ok(renderProduct(shop, product, 'detail')) : notFound(id);
}

const createSchema = z.object({
  title: z.string().min(1).max(255),
  description: z.string().max(10_000).default(''),
  category_id: z.string().min(1),
  main_images: z
    .array(z.object({ uri: z.string() }))
    .max(9)
    .default([]),
  save_mode: z.enum(['LISTING', 'AS_DRAFT']).default('LISTING'),
  skus: z
    .array(
      z.object({
        seller_sku: z.string().min(1).max(50),
        price: priceSchema,
        list_price: priceSchema.optional(),
        inventory: z.array(z.object({ warehouse_id: z.string(), quantity: z.number().int().min(0).max(99_999) })).min(1),
        sales_attributes: z.array(z.object({ name: z.string(), value_name: z.string() })).default([]),
      }),
    )
    .min(1)
    .max(100),
});

export function createProduct(write: WriteContext, body: unknown): EmuResponse {
  const { shop } = write;
  const parsed = createSchema.safeParse(body);
  if (!parsed.success) return invalid(parsed.error.issues.map((i) => i.path.join('.')).join(', '));
  const input = parsed.data;
  const state = ttsStateOf(shop);
  if (input.skus.some((s) => s.price.currency !== shop.currency)) return invalid(`price currency must be ${shop.currency}`);
  if (input.skus.some((s) => s.inventory.some((w) => w.warehouse_id !== state.warehouseId))) return invalid('unknown warehouse_id');
  const taken = new Set([...shop.products.values()].flatMap((p) => p.variants.map((v) => v.sku)));
  if (input.skus.some((s) => taken.has(s.seller_sku))) return envelope(200, 12052230, 'Duplicate seller_sku in this shop');
  const at = write.now.toISOString();
  const id = shop.nextId();
  const product: EmuProduct = {
    id,
    title: input.title,
    description: input.description,
    vendor: shop.name,
    productType: 'Imported',
    status: input.save_mode === 'LISTING' ? 'active' : 'draft',
    tags: [],
    handle: `tts-${id}`,
    images: input.main_images.map((image) => ({ url: image.uri, alt: null })),
    videos: 0,
    attributes: {},
    variants: input.skus.map((s) => ({
      id: shop.nextId(),
      productId: id,
      sku: s.seller_sku,
      title: s.sales_attributes.map((a) => a.value_name).join(' / ') || input.title,
      priceMinor: toMinorUnits(s.price.amount, shop.currency),
      compareAtMinor: s.list_price ? toMinorUnits(s.list_price.amount, shop.currency) : null,
      options: Object.fromEntries(s.sales_attributes.map((a) => [a.name, a.value_name])),
      inventoryItemId: shop.nextId(),
      priceUpdatedAt: at,
    })),
    createdAt: at,
    updatedAt: at,
  };
  if (write.dropWrite()) return ok({ product_id: productIdOf(id), skus: [] });
  shop.products.set(id, product);
  if (input.save_mode === 'AS_DRAFT') state.drafts.add(id);
  for (const [i, v] of product.variants.entries()) shop.stock.set(v.inventoryItemId, input.skus[i]?.inventory.reduce((sum, w) => sum + w.quantity, 0) ?? 0);
  write.emit('PRODUCT_STATUS_CHANGE', { product_id: productIdOf(id), status: 'ACTIVATE', update_time: seconds(at) });
  return ok({ product_id: productIdOf(id), skus: product.variants.map((v) => ({ id: skuIdOf(v.id), seller_sku: v.sku })), warnings: [] });
}

function touch(write: WriteContext, product: EmuProduct): void {
  product.updatedAt = write.now.toISOString();
  write.emit('PRODUCT_STATUS_CHANGE', { product_id: productIdOf(product.id), update_time: seconds(product.updatedAt) });
}

export function partialEdit(write: WriteContext, id: string, body: unknown): EmuResponse {
  const product = productOf(write.shop, id);
  if (!product) return notFound(id);
  const parsed = z.object({ title: z.string().min(1).max(255).optional(), description: z.string().max(10_000).optional() }).safeParse(body);
  if (!parsed.success) return invalid('title / description');
  if (write.dropWrite()) return ok({ product_id: id });
  if (parsed.data.title !== undefined) product.title = parsed.data.title;
  if (parsed.data.description !== undefined) product.description = parsed.data.description;
  touch(write, product);
  return ok({ product_id: id });
}

export function setStatus(write: WriteContext, body: unknown, active: boolean): EmuResponse {
  const parsed = idList.safeParse(body);
  if (!parsed.success) return invalid('product_ids');
  if (write.dropWrite()) return ok({ errors: [] });
  const errors = [];
  for (const id of parsed.data.product_ids) {
    const product = productOf(write.shop, id);
    if (!product) {
      errors.push({ code: 12052700, message: 'Product does not exist', detail: { product_id: id } });
      continue;
    }
    product.status = active ? 'active' : 'draft';
    ttsStateOf(write.shop).drafts.delete(product.id);
    touch(write, product);
  }
  return ok({ errors });
}

export function deleteProducts(write: WriteContext, body: unknown): EmuResponse {
  const parsed = idList.safeParse(body);
  if (!parsed.success) return invalid('product_ids');
  if (write.dropWrite()) return ok({ errors: [] });
  for (const id of parsed.data.product_ids) {
    const numeric = parseProductId(id);
    if (numeric !== null && write.shop.products.delete(numeric))
      write.emit('PRODUCT_STATUS_CHANGE', { product_id: id, status: 'DELETED', update_time: seconds(write.now.toISOString()) });
  }
  return ok({ errors: [] });
}

const skuUpdates = <T extends z.ZodType>(item: T) => z.object({ skus: z.array(item).min(1).max(100) });

export function updatePrices(write: WriteContext, id: string, body: unknown): EmuResponse {
  const product = productOf(write.shop, id);
  if (!product) return notFound(id);
  const parsed = skuUpdates(z.object({ id: z.string(), price: priceSchema })).safeParse(body);
  if (!parsed.success) return invalid('skus');
  const targets = parsed.data.skus.map((s) => ({ s, v: product.variants.find((v) => v.id === parseSkuId(s.id)) }));
  if (targets.some((t) => !t.v)) return invalid('a sku id is not in this product');
  if (targets.some((t) => t.s.price.currency !== write.shop.currency)) return invalid(`price currency must be ${write.shop.currency}`);
  if (write.dropWrite()) return ok({});
  for (const { s, v } of targets) {
    if (!v) continue;
    v.priceMinor = toMinorUnits(s.price.amount, write.shop.currency);
    v.priceUpdatedAt = write.now.toISOString();
  }
  touch(write, product);
  return ok({});
}

export function updateInventory(write: WriteContext, id: string, body: unknown): EmuResponse {
  const product = productOf(write.shop, id);
  if (!product) return notFound(id);
  const schema = skuUpdates(
    z.object({ id: z.string(), inventory: z.array(z.object({ warehouse_id: z.string(), quantity: z.number().int().min(0).max(99_999) })).min(1) }),
  );
  const parsed = schema.safeParse(body);
  if (!parsed.success) return invalid('skus');
  const warehouse = ttsStateOf(write.shop).warehouseId;
  const targets = parsed.data.skus.map((s) => ({ s, v: product.variants.find((v) => v.id === parseSkuId(s.id)) }));
  if (targets.some((t) => !t.v)) return invalid('a sku id is not in this product');
  if (targets.some((t) => t.s.inventory.some((w) => w.warehouse_id !== warehouse))) return invalid('unknown warehouse_id');
  if (write.dropWrite()) return ok({});
  for (const { s, v } of targets)
    if (v)
      write.shop.stock.set(
        v.inventoryItemId,
        s.inventory.reduce((sum, w) => sum + w.quantity, 0),
      );
  product.updatedAt = write.now.toISOString();
  return ok({});
}

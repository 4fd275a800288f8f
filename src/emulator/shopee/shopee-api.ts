import type { EmuProduct, EmuShop, EmuVariant } from '../shop-state.ts';
import type { EmuResponse } from '../shopify/shopify-handler.ts';
import { requestId, shopeeFail } from './shopee-auth.ts';
import { renderBaseInfo, renderModels, renderOrder, seconds, toMinor } from './shopee-render.ts';
import { hasModels, ITEM_BASE, itemIdOf, orderIdOfSn, orderSnOf, productIdOf, type ShopeeState } from './shopee-state.ts';

/** Shopee v2 product and order endpoints over the emulated shop (writes go through `write` for the fault knobs). */
export interface ShopeeWrite {
  shop: EmuShop;
  state: ShopeeState;
  now: Date;
  /** True when this write must be answered success but not applied (the dropWrites fault). */
  drop(): boolean;
}

export const ok = (response: unknown): EmuResponse => ({ status: 200, body: { error: '', message: '', warning: '', request_id: requestId(), response } });
const param = (message: string) => shopeeFail(400, 'error_param', message);
const notFound = (itemId: unknown) => shopeeFail(400, 'error_item_not_found', `Item ${String(itemId)} not found.`);

const productOf = (shop: EmuShop, itemId: unknown): EmuProduct | undefined => {
  const id = Number(itemId);
  return Number.isSafeInteger(id) && id > ITEM_BASE ? shop.products.get(productIdOf(id)) : undefined;
};
const touch = (product: EmuProduct, now: Date) => {
  product.updatedAt = now.toISOString();
};
const stockOf = (body: unknown): number | null => {
  const stock = (body as Array<{ stock?: unknown }> | undefined)?.[0]?.stock;
  return Number.isInteger(stock) && (stock as number) >= 0 ? (stock as number) : null;
};

export function getItemList(shop: EmuShop, query: URLSearchParams): EmuResponse {
  const offset = Number(query.get('offset') ?? 0);
  const size = Number(query.get('page_size') ?? 10);
  if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(size) || size < 1 || size > 100) return param('page_size must be 1..100, offset >= 0');
  const statuses = query.getAll('item_status');
  if (statuses.length === 0) return param('item_status is required');
  const from = query.get('update_time_from');
  const to = query.get('update_time_to');
  const items = [...shop.products.values()]
    .filter((p) => statuses.includes(p.status === 'active' ? 'NORMAL' : p.status === 'draft' ? 'UNLIST' : 'SELLER_DELETE'))
    .filter((p) => (from === null || seconds(p.updatedAt) >= Number(from)) && (to === null || seconds(p.updatedAt) <= Number(to)))
    .sort((a, b) => a.id - b.id);
  const page = items.slice(offset, offset + size);
  const more = offset + page.length < items.length;
  return ok({
    item: page.map((p) => ({ item_id: itemIdOf(p.id), item_status: p.status === 'active' ? 'NORMAL' : 'UNLIST', update_time: seconds(p.updatedAt) })),
    total_count: items.length,
    has_next_page: more,
    ...(more ? { next_offset: offset + page.length } : {}),
  });
}

export function getItemBaseInfo(shop: EmuShop, state: ShopeeState, query: URLSearchParams): EmuResponse {
  const ids = (query.get('item_id_list') ?? '').split(',').filter(Boolean);
  if (ids.length === 0 || ids.length > 50) return param('item_id_list must hold 1..50 ids');
  const found = ids.map((id) => productOf(shop, id)).filter((p): p is EmuProduct => p !== undefined);
  return ok({ item_list: found.map((p) => renderBaseInfo(shop, state, p)) });
}

export function getModelList(shop: EmuShop, state: ShopeeState, query: URLSearchParams): EmuResponse {
  const product = productOf(shop, query.get('item_id'));
  if (!product) return notFound(query.get('item_id'));
  return ok(hasModels(state, product) ? renderModels(shop, product) : { tier_variation: [], model: [] });
}

export function searchItem(shop: EmuShop, state: ShopeeState, query: URLSearchParams): EmuResponse {
  const sku = query.get('item_sku');
  if (!sku) return param('item_sku or item_name is required');
  const ids = [...shop.products.values()]
    .filter((p) => (state.itemSkus.get(p.id) ?? (p.variants.length === 1 ? p.variants[0]?.sku : undefined)) === sku)
    .map((p) => itemIdOf(p.id));
  return ok({ item_id_list: ids, total_count: ids.length });
}

export function addItem(write: ShopeeWrite, body: Record<string, unknown>): EmuResponse {
  const { shop, state, now } = write;
  const name = body.item_name;
  const price = Number(body.original_price);
  const stock = stockOf(body.seller_stock);
  if (typeof name !== 'string' || name.length === 0 || name.length > 120) return param('item_name is required (at most 120 characters)');
  if (!Number.isFinite(price) || price <= 0) return param('original_price must be positive');
  if (stock === null) return param('seller_stock is required');
  if (!Number.isInteger(body.category_id)) return param('category_id is required');
  if (!(body.image as { image_id_list?: unknown[] } | undefined)?.image_id_list?.length) return param('image.image_id_list is required');
  if (write.drop()) return ok({ item_id: itemIdOf(shop.nextId()), item_status: 'NORMAL' }); // answered, never created
  const id = shop.nextId();
  const inventoryItemId = shop.nextId();
  const at = now.toISOString();
  const variant: EmuVariant = {
    id: shop.nextId(),
    productId: id,
    sku: typeof body.item_sku === 'string' ? body.item_sku : '',
    title: name,
    priceMinor: toMinor(price),
    compareAtMinor: null,
    options: {},
    inventoryItemId,
    priceUpdatedAt: at,
  };
  shop.stock.set(inventoryItemId, stock);
  const brand = (body.brand as { original_brand_name?: string } | undefined)?.original_brand_name;
  shop.products.set(id, {
    id,
    title: name,
    description: typeof body.description === 'string' ? body.description : '',
    vendor: brand && brand !== 'NoBrand' ? brand : '',
    productType: String(body.category_id),
    status: body.item_status === 'UNLIST' ? 'draft' : 'active',
    tags: [],
    handle: `item-${id}`,
    images: [],
    videos: 0,
    attributes: {},
    variants: [variant],
    createdAt: at,
    updatedAt: at,
  });
  if (typeof body.item_sku === 'string' && body.item_sku) state.itemSkus.set(id, body.item_sku);
  return ok({ item_id: itemIdOf(id), item_name: name, item_status: body.item_status ?? 'NORMAL' });
}

export function initTierVariation(write: ShopeeWrite, body: Record<string, unknown>): EmuResponse {
  const { shop, state, now } = write;
  const product = productOf(shop, body.item_id);
  if (!product) return notFound(body.item_id);
  if (state.modelItems.has(product.id)) return shopeeFail(400, 'error_param', 'The item already has tier variations.');
  const tiers = body.tier_variation as Array<{ name: string; option_list: Array<{ option: string }> }> | undefined;
  const models = body.model as Array<{ tier_index: number[]; model_sku?: string; original_price: number; seller_stock: unknown }> | undefined;
  if (!Array.isArray(tiers) || tiers.length === 0 || tiers.length > 2 || !Array.isArray(models) || models.length === 0)
    return param('tier_variation (1..2 tiers) and model are required');
  if (write.drop()) return ok({ item_id: body.item_id, model: [] });
  for (const variant of product.variants) shop.stock.delete(variant.inventoryItemId);
  product.variants = models.map((m) => {
    const inventoryItemId = shop.nextId();
    shop.stock.set(inventoryItemId, stockOf(m.seller_stock) ?? 0);
    const options = Object.fromEntries(tiers.map((t, i) => [t.name, t.option_list[m.tier_index[i] ?? 0]?.option ?? '-']));
    return {
      id: shop.nextId(),
      productId: product.id,
      sku: m.model_sku ?? '',
      title: Object.values(options).join(' / '),
      priceMinor: toMinor(Number(m.original_price)),
      compareAtMinor: null,
      options,
      inventoryItemId,
      priceUpdatedAt: now.toISOString(),
    };
  });
  state.modelItems.add(product.id);
  touch(product, now);
  return ok({ item_id: body.item_id, model: product.variants.map((v) => ({ model_id: v.id, model_sku: v.sku })) });
}

export function updateItem(write: ShopeeWrite, body: Record<string, unknown>): EmuResponse {
  const product = productOf(write.shop, body.item_id);
  if (!product) return notFound(body.item_id);
  if (body.item_name !== undefined && (typeof body.item_name !== 'string' || body.item_name === '')) return param('item_name must be a non-empty string');
  if (body.item_status !== undefined && body.item_status !== 'NORMAL' && body.item_status !== 'UNLIST') return param('item_status must be NORMAL or UNLIST');
  if (write.drop()) return ok({ item_id: body.item_id });
  if (typeof body.item_name === 'string') product.title = body.item_name;
  if (typeof body.description === 'string') product.description = body.description;
  if (body.item_status) product.status = body.item_status === 'NORMAL' ? 'active' : 'draft';
  touch(product, write.now);
  return ok({ item_id: body.item_id, item_name: product.title, item_status: body.item_status ?? undefined });
}

export function deleteItem(write: ShopeeWrite, body: Record<string, unknown>): EmuResponse {
  const product = productOf(write.shop, body.item_id);
  if (!product) return notFound(body.item_id);
  if (write.drop()) return ok({});
  for (const variant of product.variants) write.shop.stock.delete(variant.inventoryItemId);
  write.shop.products.delete(product.id);
  return ok({});
}

/** update_stock / update_price: one entry per model (model_id 0 = the item itself); unknown models go to failure_list. */
export function updateModels(write: ShopeeWrite, body: Record<string, unknown>, kind: 'stock' | 'price'): EmuResponse {
  const product = productOf(write.shop, body.item_id);
  if (!product) return notFound(body.item_id);
  const entries = (kind === 'stock' ? body.stock_list : body.price_list) as Array<Record<string, unknown>> | undefined;
  if (!Array.isArray(entries) || entries.length === 0 || entries.length > 50)
    return param(`${kind === 'stock' ? 'stock_list' : 'price_list'} must hold 1..50 entries`);
  const models = hasModels(write.state, product);
  const success: unknown[] = [];
  const failure: unknown[] = [];
  const dropped = write.drop();
  for (const entry of entries) {
    const modelId = Number(entry.model_id ?? 0);
    const variant = models ? product.variants.find((v) => v.id === modelId) : modelId === 0 ? product.variants[0] : undefined;
    const value = kind === 'stock' ? stockOf(entry.seller_stock) : Number(entry.original_price);
    if (!variant || value === null || !Number.isFinite(value) || value < 0) {
      failure.push({ model_id: modelId, failed_reason: variant ? `invalid ${kind}` : 'model not found' });
      continue;
    }
    if (!dropped) {
      if (kind === 'stock') write.shop.stock.set(variant.inventoryItemId, value);
      else {
        variant.priceMinor = toMinor(value);
        variant.compareAtMinor = null;
        variant.priceUpdatedAt = write.now.toISOString();
      }
    }
    success.push(kind === 'stock' ? { model_id: modelId, stock: value } : { model_id: modelId, original_price: value });
  }
  if (!dropped && success.length > 0) touch(product, write.now);
  return ok({ success_list: success, failure_list: failure });
}

const FIFTEEN_DAYS = 15 * 86_400;

/** get_order_list: time_range_field create_time|update_time, a range of at most 15 days, cursor paging. */
export function getOrderList(shop: EmuShop, query: URLSearchParams): EmuResponse {
  const field = query.get('time_range_field');
  const from = Number(query.get('time_from'));
  const to = Number(query.get('time_to'));
  const size = Number(query.get('page_size') ?? 20);
  if (field !== 'create_time' && field !== 'update_time') return param('time_range_field must be create_time or update_time');
  if (!Number.isInteger(from) || !Number.isInteger(to) || to < from) return param('time_from and time_to are required');
  if (to - from > FIFTEEN_DAYS) return param('The time range cannot exceed 15 days.');
  if (!Number.isInteger(size) || size < 1 || size > 100) return param('page_size must be 1..100');
  const offset = query.get('cursor') ? Number(query.get('cursor')) : 0;
  if (!Number.isInteger(offset) || offset < 0) return param('Invalid cursor.');
  const matching = [...shop.orders.values()]
    .filter((o) => {
      const at = seconds(field === 'create_time' ? o.createdAt : o.updatedAt);
      return at >= from && at <= to;
    })
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id);
  const page = matching.slice(offset, offset + size);
  const more = offset + page.length < matching.length;
  return ok({ more, next_cursor: more ? String(offset + page.length) : '', order_list: page.map((o) => ({ order_sn: orderSnOf(o) })) });
}

export function getOrderDetail(shop: EmuShop, state: ShopeeState, query: URLSearchParams): EmuResponse {
  const sns = (query.get('order_sn_list') ?? '').split(',').filter(Boolean);
  if (sns.length === 0 || sns.length > 50) return param('order_sn_list must hold 1..50 order_sn');
  const orders = sns.map((sn) => {
    const id = orderIdOfSn(sn);
    return id === null ? undefined : shop.orders.get(id);
  });
  const missing = sns.filter((_, i) => !orders[i]);
  if (missing.length === sns.length) return shopeeFail(400, 'error_not_found', `Order ${missing.join(',')} not found.`);
  return ok({ order_list: orders.filter((o) => o !== undefined).map((o) => renderOrder(shop, state, o)) });
}

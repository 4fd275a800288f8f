import { randomBytes } from 'node:crypto';
import { fromMinorUnits } from '../../lib/money.ts';
import type { EmuOrder, EmuProduct, EmuShop } from '../shop-state.ts';
import type { EmuResponse } from '../shopify/shopify-handler.ts';
import { orderIdOf, productIdOf, skuIdOf, ttsStateOf } from './tts-state.ts';

/** TikTok's envelope: `{ code, message, request_id, data }` (code 0 is success). */
export const envelope = (status: number, code: number, message: string, data: unknown = null, headers: Record<string, string> = {}): EmuResponse => ({
  status,
  headers,
  body: { code, message, request_id: randomBytes(16).toString('hex').toUpperCase(), data },
});
export const ok = (data: unknown = {}) => envelope(200, 0, 'Success', data);

export const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export function statusOf(shop: EmuShop, product: EmuProduct): string {
  if (product.status === 'active') return 'ACTIVATE';
  if (product.status === 'archived') return 'PLATFORM_DEACTIVATED';
  return ttsStateOf(shop).drafts.has(product.id) ? 'DRAFT' : 'SELLER_DEACTIVATED';
}

/** A product as the detail (`amount`) or the search (`tax_exclusive_price`) renders it. */
export function renderProduct(shop: EmuShop, product: EmuProduct, shape: 'detail' | 'search') {
  const state = ttsStateOf(shop);
  const skus = product.variants.map((v) => {
    const amount = fromMinorUnits(v.priceMinor, shop.currency);
    return {
      id: skuIdOf(v.id),
      seller_sku: v.sku,
      price:
        shape === 'detail'
          ? { amount, currency: shop.currency, sale_price: amount }
          : { tax_exclusive_price: amount, currency: shop.currency, sale_price: amount },
      ...(v.compareAtMinor !== null ? { list_price: { amount: fromMinorUnits(v.compareAtMinor, shop.currency), currency: shop.currency } } : {}),
      inventory: [{ warehouse_id: state.warehouseId, quantity: shop.stock.get(v.inventoryItemId) ?? 0 }],
      sales_attributes: Object.entries(v.options).map(([name, value_name], i) => ({
        id: String(100_000 + i),
        name,
        value_id: String(v.id * 10 + i),
        value_name,
      })),
    };
  });
  const base = {
    id: productIdOf(product.id),
    title: product.title,
    status: statusOf(shop, product),
    skus,
    create_time: seconds(product.createdAt),
    update_time: seconds(product.updatedAt),
  };
  if (shape === 'search') return { ...base, sales_regions: [state.region] };
  return {
    ...base,
    description: product.description,
    main_images: product.images.map((image, i) => ({ uri: `tos-maliva-i-${product.id}-${i}`, urls: [image.url] })),
    video: product.videos > 0 ? { id: `v${product.id}` } : null,
    brand: { id: '7082427311584347905', name: product.vendor },
    category_chains: [{ id: '600001', local_name: product.productType, is_leaf: true, parent_id: '0' }],
  };
}

export function orderStatus(order: EmuOrder): string {
  if (order.cancelledAt) return 'CANCELLED';
  if (order.fulfillmentStatus === 'fulfilled') return 'IN_TRANSIT';
  return order.financialStatus === 'pending' ? 'UNPAID' : 'AWAITING_SHIPMENT';
}

/** An order as TikTok renders it: one line item per unit. */
export function renderOrder(shop: EmuShop, order: EmuOrder) {
  const money = (minor: number) => fromMinorUnits(minor, order.currency);
  const total = order.lines.reduce((sum, l) => sum + l.unitMinor * l.quantity, 0);
  const productOf = (variantId: number | null) => {
    for (const p of shop.products.values()) if (p.variants.some((v) => v.id === variantId)) return p;
    return undefined;
  };
  return {
    id: orderIdOf(order.id),
    status: orderStatus(order),
    buyer_email: order.email,
    payment: { currency: order.currency, sub_total: money(total), total_amount: money(total), shipping_fee: '0', tax: '0' },
    line_items: order.lines.flatMap((line) =>
      Array.from({ length: line.quantity }, (_, unit) => ({
        id: `${orderIdOf(line.id)}${unit}`,
        sku_id: line.variantId === null ? '0' : skuIdOf(line.variantId),
        product_id: productIdOf(productOf(line.variantId)?.id ?? 0),
        seller_sku: line.sku,
        product_name: line.title.split(' - ')[0] ?? line.title,
        sku_name: line.title.split(' - ').slice(1).join(' - '),
        sale_price: money(line.unitMinor),
        original_price: money(line.unitMinor),
        currency: order.currency,
      })),
    ),
    create_time: seconds(order.createdAt),
    update_time: seconds(order.updatedAt),
  };
}

/** Opaque page tokens (base64 of the offset), as TikTok's are opaque to callers. */
export const pageToken = (offset: number) => Buffer.from(`offset:${offset}`).toString('base64');
export function readPageToken(token: string | null): number | null {
  if (!token) return 0;
  const match = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64').toString('utf8'));
  return match ? Number(match[1]) : null;
}

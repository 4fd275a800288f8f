import type { Listing, Order, OrderLine, Product, Variant } from '../../contracts/connectors.ts';
import { toMinorUnits } from '../../lib/money.ts';
import { ConnectorError } from '../sdk/connector-error.ts';

/** TikTok Shop 202309 shapes (the fields the connector reads) and their mapping to Nexo's DTOs. */
export interface TtsPrice {
  amount?: string;
  tax_exclusive_price?: string;
  sale_price?: string;
  currency: string;
}

export interface TtsSku {
  id: string;
  seller_sku?: string;
  price: TtsPrice;
  list_price?: TtsPrice | null;
  inventory?: Array<{ warehouse_id: string; quantity: number }>;
  sales_attributes?: Array<{ id?: string; name: string; value_id?: string; value_name: string }>;
}

export interface TtsProduct {
  id: string;
  title: string;
  description?: string;
  status: string;
  main_images?: Array<{ uri: string; urls?: string[] }>;
  video?: { id: string } | null;
  brand?: { id: string; name: string } | null;
  category_chains?: Array<{ id: string; local_name: string; is_leaf: boolean }>;
  skus: TtsSku[];
  create_time: number;
  update_time: number;
}

export interface TtsLineItem {
  id: string;
  sku_id: string;
  product_id: string;
  seller_sku?: string;
  product_name: string;
  sku_name?: string;
  sale_price: string;
  currency: string;
}

export interface TtsOrder {
  id: string;
  status: string;
  buyer_email?: string;
  payment: { currency: string; sub_total: string; total_amount: string };
  line_items: TtsLineItem[];
  create_time: number;
  update_time: number;
}

const iso = (seconds: number) => {
  if (!Number.isFinite(seconds)) throw new ConnectorError(`TikTok Shop sent an unreadable time: ${seconds}`, { kind: 'protocol' });
  return new Date(seconds * 1000).toISOString();
};
const money = (value: string | undefined, currency: string) => ({ amount: toMinorUnits(value ?? '0', currency), currency });

export function productStatus(status: string): Product['status'] {
  if (status === 'ACTIVATE') return 'active';
  if (status === 'DRAFT' || status === 'PENDING' || status === 'FAILED' || status === 'SELLER_DEACTIVATED') return 'draft';
  return 'archived';
}

/** The stock record an inventory update changes: `<product id>:<sku id>`. */
export const inventoryItemIdOf = (productId: string, skuId: string) => `${productId}:${skuId}`;
export function parseInventoryItemId(value: string): { productId: string; skuId: string } {
  const match = /^(\d+):(\d+)$/.exec(value);
  if (!match) throw new ConnectorError(`Not a TikTok Shop stock id: ${value}`, { kind: 'rejected' });
  return { productId: match[1] as string, skuId: match[2] as string };
}

export const quantityOf = (sku: TtsSku) => (sku.inventory ?? []).reduce((sum, w) => sum + w.quantity, 0);

function toVariant(product: TtsProduct, sku: TtsSku): Variant {
  const attributes = Object.fromEntries((sku.sales_attributes ?? []).map((a) => [a.name, a.value_name]));
  const currency = sku.price.currency;
  return {
    channelId: sku.id,
    sku: sku.seller_sku ?? '',
    title: Object.values(attributes).join(' / ') || product.title,
    price: money(sku.price.amount ?? sku.price.tax_exclusive_price ?? sku.price.sale_price, currency),
    compareAtPrice: sku.list_price?.amount ? money(sku.list_price.amount, sku.list_price.currency) : null,
    attributes,
    inventoryItemId: inventoryItemIdOf(product.id, sku.id),
    quantity: sku.inventory ? quantityOf(sku) : null,
  };
}

export function toProduct(product: TtsProduct): Product {
  return {
    channelId: product.id,
    title: product.title,
    description: product.description ?? '',
    vendor: product.brand?.name ?? null,
    productType: product.category_chains?.find((c) => c.is_leaf)?.local_name ?? null,
    status: productStatus(product.status),
    tags: [],
    handle: null,
    images: (product.main_images ?? []).map((image) => ({ url: image.urls?.[0] ?? image.uri, alt: null })),
    videoCount: product.video ? 1 : 0,
    variants: product.skus.map((sku) => toVariant(product, sku)),
    createdAt: iso(product.create_time),
    updatedAt: iso(product.update_time),
  };
}

export function toListings(product: Product): Listing[] {
  const status: Listing['status'] = product.status === 'active' ? 'active' : product.status === 'draft' ? 'inactive' : 'deleted';
  return product.variants.map((variant) => ({
    channelListingId: product.channelId,
    channelVariantId: variant.channelId,
    sku: variant.sku,
    title: variant.title === product.title ? product.title : `${product.title} - ${variant.title}`,
    status,
    price: variant.price,
    quantity: variant.quantity,
    url: `https://shop.tiktok.com/view/product/${product.channelId}`,
    fields: {},
  }));
}

const paid = new Set(['AWAITING_SHIPMENT', 'AWAITING_COLLECTION', 'PARTIALLY_SHIPPING', 'IN_TRANSIT', 'DELIVERED', 'COMPLETED']);
const shipped = new Set(['IN_TRANSIT', 'DELIVERED', 'COMPLETED']);

/** TikTok lists one line item per unit: lines of the same SKU become one line with its quantity. */
export function toOrder(order: TtsOrder): Order {
  const currency = order.payment.currency;
  const grouped = new Map<string, OrderLine>();
  for (const item of order.line_items) {
    const unit = money(item.sale_price, currency);
    const line = grouped.get(item.sku_id);
    if (line) {
      line.quantity++;
      line.total = { amount: line.total.amount + unit.amount, currency };
    } else {
      grouped.set(item.sku_id, {
        channelId: item.id,
        sku: item.seller_sku ?? '',
        title: item.sku_name ? `${item.product_name} - ${item.sku_name}` : item.product_name,
        quantity: 1,
        unitPrice: unit,
        total: unit,
        channelVariantId: item.sku_id,
      });
    }
  }
  return {
    channelId: order.id,
    number: order.id,
    email: order.buyer_email ?? null,
    currency,
    subtotal: money(order.payment.sub_total, currency),
    total: money(order.payment.total_amount, currency),
    financialStatus: order.status === 'UNPAID' ? 'pending' : paid.has(order.status) ? 'paid' : order.status === 'CANCELLED' ? 'voided' : 'other',
    fulfillmentStatus: shipped.has(order.status) ? 'fulfilled' : order.status === 'PARTIALLY_SHIPPING' ? 'partial' : 'unfulfilled',
    cancelled: order.status === 'CANCELLED',
    lines: [...grouped.values()],
    createdAt: iso(order.create_time),
    updatedAt: iso(order.update_time),
  };
}

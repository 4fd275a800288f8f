import type { Listing, Order, OrderLine, Product, Variant } from '../../contracts/connectors.ts';
import { toMinorUnits } from '../../lib/money.ts';
import { ConnectorError } from '../sdk/connector-error.ts';

/** Shopee Open Platform v2 shapes (the fields the connector reads) and their mapping to Nexo's DTOs. */
export interface ShopeePriceInfo {
  currency?: string;
  original_price: number;
  current_price?: number;
}
export interface ShopeeStockInfo {
  summary_info?: { total_available_stock?: number; total_reserved_stock?: number };
  seller_stock?: Array<{ location_id?: string; stock: number }>;
}
export interface ShopeeItem {
  item_id: number;
  category_id?: number;
  item_name: string;
  description?: string;
  item_sku?: string;
  create_time: number;
  update_time: number;
  item_status: string;
  has_model?: boolean;
  price_info?: ShopeePriceInfo[];
  stock_info_v2?: ShopeeStockInfo;
  image?: { image_url_list?: string[]; image_id_list?: string[] };
  video_info?: Array<{ video_url?: string }>;
  brand?: { brand_id?: number; original_brand_name?: string };
}
export interface ShopeeModels {
  tier_variation: Array<{ name: string; option_list: Array<{ option: string }> }>;
  model: Array<{ model_id: number; tier_index: number[]; model_sku?: string; price_info: ShopeePriceInfo[]; stock_info_v2?: ShopeeStockInfo }>;
}
export interface ShopeeOrder {
  order_sn: string;
  region?: string;
  currency: string;
  order_status: string;
  create_time: number;
  update_time: number;
  total_amount: number;
  buyer_username?: string;
  item_list: Array<{
    item_id: number;
    item_name: string;
    item_sku?: string;
    model_id?: number;
    model_name?: string;
    model_sku?: string;
    model_quantity_purchased: number;
    model_original_price: number;
    model_discounted_price?: number;
  }>;
}

const iso = (seconds: number) => {
  if (!Number.isFinite(seconds)) throw new ConnectorError(`Shopee sent an unreadable time: ${seconds}`, { kind: 'protocol' });
  return new Date(seconds * 1000).toISOString();
};
const money = (value: number, currency: string) => ({ amount: toMinorUnits(value, currency), currency });
const stockOf = (stock: ShopeeStockInfo | undefined) =>
  stock?.seller_stock ? stock.seller_stock.reduce((sum, s) => sum + s.stock, 0) : (stock?.summary_info?.total_available_stock ?? null);

/** `<item_id>:<model_id>` (model 0 = an item without models): what update_stock addresses. */
export const stockIdOf = (itemId: number, modelId: number) => `${itemId}:${modelId}`;
export function parseStockId(value: string): { itemId: number; modelId: number } {
  const match = /^(\d+):(\d+)$/.exec(value);
  if (!match) throw new ConnectorError(`Not a Shopee stock id: ${value}`, { kind: 'rejected' });
  return { itemId: Number(match[1]), modelId: Number(match[2]) };
}

export function productStatus(status: string): Product['status'] {
  if (status === 'NORMAL') return 'active';
  if (status === 'UNLIST' || status === 'REVIEWING') return 'draft';
  return 'archived';
}

export function toProduct(item: ShopeeItem, models: ShopeeModels | null, fallbackCurrency: string): Product {
  const currency = item.price_info?.[0]?.currency ?? fallbackCurrency;
  const priceOf = (info: ShopeePriceInfo[] | undefined) => {
    const p = info?.[0];
    return {
      price: money(p?.current_price ?? p?.original_price ?? 0, currency),
      compareAtPrice: p?.current_price !== undefined && p.current_price < p.original_price ? money(p.original_price, currency) : null,
    };
  };
  const variants: Variant[] =
    models && models.model.length > 0
      ? models.model.map((m) => {
          const attributes = Object.fromEntries(models.tier_variation.map((tier, t) => [tier.name, tier.option_list[m.tier_index[t] ?? 0]?.option ?? '']));
          return {
            channelId: String(m.model_id),
            sku: m.model_sku ?? '',
            title: Object.values(attributes).join(' / '),
            ...priceOf(m.price_info),
            attributes,
            inventoryItemId: stockIdOf(item.item_id, m.model_id),
            quantity: stockOf(m.stock_info_v2),
          };
        })
      : [
          {
            channelId: String(item.item_id),
            sku: item.item_sku ?? '',
            title: item.item_name,
            ...priceOf(item.price_info),
            attributes: {},
            inventoryItemId: stockIdOf(item.item_id, 0),
            quantity: stockOf(item.stock_info_v2),
          },
        ];
  return {
    channelId: String(item.item_id),
    title: item.item_name,
    description: item.description ?? '',
    vendor: item.brand?.original_brand_name && item.brand.original_brand_name !== 'NoBrand' ? item.brand.original_brand_name : null,
    productType: item.category_id ? String(item.category_id) : null,
    status: productStatus(item.item_status),
    tags: [],
    handle: null,
    images: (item.image?.image_url_list ?? []).map((url) => ({ url, alt: null })),
    videoCount: item.video_info?.length ?? 0,
    variants,
    createdAt: iso(item.create_time),
    updatedAt: iso(item.update_time),
  };
}

/** One listing per model (or the item itself); the URL is the public product page of the shop's region. */
export function toListings(product: Product, shopId: number): Listing[] {
  const status: Listing['status'] = product.status === 'active' ? 'active' : product.status === 'draft' ? 'inactive' : 'deleted';
  return product.variants.map((variant) => ({
    channelListingId: product.channelId,
    channelVariantId: variant.channelId,
    sku: variant.sku,
    title: variant.channelId === product.channelId ? product.title : `${product.title} - ${variant.title}`,
    status,
    price: variant.price,
    quantity: variant.quantity,
    url: `https://shopee.com.br/product/${shopId}/${product.channelId}`,
    fields: { itemId: product.channelId, modelId: variant.channelId === product.channelId ? 0 : Number(variant.channelId), categoryId: product.productType },
  }));
}

function financialStatus(status: string): Order['financialStatus'] {
  if (status === 'UNPAID') return 'pending';
  if (status === 'CANCELLED') return 'voided';
  if (status === 'TO_RETURN') return 'other';
  return 'paid';
}

export function toOrder(order: ShopeeOrder): Order {
  const currency = order.currency;
  const lines: OrderLine[] = order.item_list.map((entry, index) => {
    const unit = toMinorUnits(entry.model_discounted_price || entry.model_original_price, currency);
    return {
      channelId: `${order.order_sn}-${index + 1}`,
      sku: entry.model_sku || entry.item_sku || '',
      title: entry.model_name ? `${entry.item_name} - ${entry.model_name}` : entry.item_name,
      quantity: entry.model_quantity_purchased,
      unitPrice: { amount: unit, currency },
      total: { amount: unit * entry.model_quantity_purchased, currency },
      channelVariantId: entry.model_id ? String(entry.model_id) : String(entry.item_id),
    };
  });
  const shipped = ['SHIPPED', 'TO_CONFIRM_RECEIVE', 'COMPLETED'].includes(order.order_status);
  return {
    channelId: order.order_sn,
    number: order.order_sn,
    email: null,
    currency,
    subtotal: { amount: lines.reduce((sum, line) => sum + line.total.amount, 0), currency },
    total: money(order.total_amount, currency),
    financialStatus: financialStatus(order.order_status),
    fulfillmentStatus: shipped ? 'fulfilled' : 'unfulfilled',
    cancelled: order.order_status === 'CANCELLED',
    lines,
    createdAt: iso(order.create_time),
    updatedAt: iso(order.update_time),
  };
}

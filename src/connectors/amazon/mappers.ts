import type { Listing, Order, Product, Variant } from '../../contracts/connectors.ts';
import { toMinorUnits } from '../../lib/money.ts';

/** Listings Items 2021-08-01 and Orders 2026-01-01 shapes -> Nexo DTOs. */
export interface SpMoney {
  amount: string;
  currencyCode: string;
}

export interface SpListingsItem {
  sku: string;
  summaries?: Array<{
    marketplaceId: string;
    asin?: string;
    productType?: string;
    status?: string[];
    itemName?: string;
    createdDate?: string;
    lastUpdatedDate?: string;
    mainImage?: { link: string };
  }>;
  attributes?: Record<string, Array<Record<string, unknown>>>;
  offers?: Array<{ marketplaceId: string; offerType?: string; price: SpMoney }>;
  fulfillmentAvailability?: Array<{ fulfillmentChannelCode: string; quantity?: number }>;
  relationships?: Array<{ marketplaceId: string; relationships: Array<{ type: string; parentSkus?: string[]; childSkus?: string[] }> }>;
  issues?: Array<{ code: string; message: string; severity: string }>;
}

export interface SpOrder {
  orderId: string;
  orderAliases?: Array<{ aliasId: string; aliasType: string }>;
  createdTime: string;
  lastUpdatedTime: string;
  fulfillment?: { fulfillmentStatus: string; fulfilledBy?: string };
  buyer?: { buyerEmail?: string };
  orderItems: Array<{
    orderItemId: string;
    quantityOrdered: number;
    product: { sellerSku?: string; asin?: string; title?: string; price?: { unitPrice?: SpMoney } };
    proceeds?: { proceedsTotal?: SpMoney };
  }>;
}

export const ITEM_DATA = 'summaries,attributes,offers,fulfillmentAvailability,relationships,issues';

const attr = (item: SpListingsItem, name: string): unknown => item.attributes?.[name]?.[0]?.value;
const summary = (item: SpListingsItem) => item.summaries?.[0];

export const isParent = (item: SpListingsItem) => attr(item, 'parentage_level') === 'parent';
export const parentSkuOf = (item: SpListingsItem): string | null =>
  item.relationships?.[0]?.relationships.find((r) => r.type === 'VARIATION')?.parentSkus?.[0] ??
  ((item.attributes?.child_parent_sku_relationship?.[0]?.parent_sku as string | undefined) || null);
/** The child SKUs a parent lists in its relationships; null when relationships were not included. */
export const childSkusOf = (item: SpListingsItem): string[] | null => {
  if (!item.relationships) return null;
  return item.relationships.flatMap((r) => r.relationships.filter((x) => x.type === 'VARIATION').flatMap((x) => x.childSkus ?? []));
};
export const isBuyable = (item: SpListingsItem) => summary(item)?.status?.includes('BUYABLE') ?? false;
export const isFba = (item: SpListingsItem) => (item.fulfillmentAvailability ?? []).some((f) => f.fulfillmentChannelCode !== 'DEFAULT');
export const quantityOf = (item: SpListingsItem): number | null => item.fulfillmentAvailability?.[0]?.quantity ?? null;

/** The offer price; without an offer (not buyable) the list price, else 0 (Amazon has no price for it). */
export function priceOf(item: SpListingsItem, currency: string): number {
  const offer = item.offers?.[0]?.price;
  if (offer) return toMinorUnits(offer.amount, offer.currencyCode);
  const list = item.attributes?.list_price?.[0]?.value_with_tax;
  return typeof list === 'number' ? toMinorUnits(list.toFixed(2), currency) : 0;
}

function imagesOf(item: SpListingsItem): Product['images'] {
  const names = Object.keys(item.attributes ?? {})
    .filter((n) => n === 'main_product_image_locator' || n.startsWith('other_product_image_locator_'))
    .sort((a, b) => (a === 'main_product_image_locator' ? -1 : b === 'main_product_image_locator' ? 1 : a.localeCompare(b, 'en', { numeric: true })));
  return names.map((n) => ({ url: String(item.attributes?.[n]?.[0]?.media_location ?? ''), alt: null })).filter((i) => i.url !== '');
}

export function toVariant(item: SpListingsItem, currency: string): Variant {
  const listPrice = item.attributes?.list_price?.[0]?.value_with_tax;
  const attributes: Record<string, string> = {};
  const color = attr(item, 'color');
  const size = attr(item, 'size');
  if (typeof color === 'string') attributes.Color = color;
  if (typeof size === 'string') attributes.Size = size;
  return {
    channelId: item.sku,
    sku: item.sku,
    title: summary(item)?.itemName ?? item.sku,
    price: { amount: priceOf(item, currency), currency },
    compareAtPrice: typeof listPrice === 'number' && item.offers?.[0] ? { amount: toMinorUnits(listPrice.toFixed(2), currency), currency } : null,
    attributes,
    inventoryItemId: item.sku,
    quantity: quantityOf(item),
  };
}

/** A standalone SKU, or a parent SKU with its children: one Nexo product. */
export function toProduct(item: SpListingsItem, children: SpListingsItem[], currency: string): Product {
  const own = summary(item);
  const variants = isParent(item) ? children.map((c) => toVariant(c, currency)) : [toVariant(item, currency)];
  const sellable = isParent(item) ? children : [item];
  const description = attr(item, 'product_description');
  const brand = attr(item, 'brand');
  const updated = [item, ...children].map((i) => summary(i)?.lastUpdatedDate ?? '').sort();
  return {
    channelId: item.sku,
    title: own?.itemName ?? item.sku,
    description: typeof description === 'string' ? description : '',
    vendor: typeof brand === 'string' ? brand : null,
    productType: own?.productType ?? null,
    status: sellable.some(isBuyable) ? 'active' : 'draft',
    tags: [],
    handle: null,
    images: imagesOf(item),
    videoCount: 0,
    variants,
    createdAt: own?.createdDate ?? updated[0] ?? new Date(0).toISOString(),
    updatedAt: updated.at(-1) || own?.createdDate || new Date(0).toISOString(),
  };
}

export function toListings(product: Product): Listing[] {
  return product.variants.map((variant) => ({
    channelListingId: variant.sku,
    channelVariantId: variant.channelId,
    sku: variant.sku,
    title: variant.title,
    status: product.status === 'active' ? 'active' : 'inactive',
    price: variant.price,
    quantity: variant.quantity,
    url: null,
    fields: { parentSku: product.variants.length > 1 || product.channelId !== variant.sku ? product.channelId : null },
  }));
}

const financial = (status: string): Order['financialStatus'] => (status === 'PENDING' ? 'pending' : status === 'CANCELLED' ? 'voided' : 'paid');
const fulfillment = (status: string): Order['fulfillmentStatus'] =>
  status === 'SHIPPED' ? 'fulfilled' : status === 'PARTIALLY_SHIPPED' ? 'partial' : status === 'UNSHIPPED' || status === 'PENDING' ? 'unfulfilled' : 'other';

export function toOrder(order: SpOrder, fallbackCurrency: string): Order {
  const lines = order.orderItems.map((item) => {
    const unit = item.product.price?.unitPrice;
    const currency = unit?.currencyCode ?? fallbackCurrency;
    const unitAmount = unit ? toMinorUnits(unit.amount, currency) : 0;
    return {
      channelId: item.orderItemId,
      sku: item.product.sellerSku ?? '',
      title: item.product.title ?? item.product.sellerSku ?? item.orderItemId,
      quantity: item.quantityOrdered,
      unitPrice: { amount: unitAmount, currency },
      total: { amount: unitAmount * item.quantityOrdered, currency },
      channelVariantId: item.product.sellerSku ?? null,
    };
  });
  const currency = lines[0]?.unitPrice.currency ?? fallbackCurrency;
  const total = lines.reduce((sum, line) => sum + line.total.amount, 0);
  const status = order.fulfillment?.fulfillmentStatus ?? 'UNSHIPPED';
  return {
    channelId: order.orderId,
    number: order.orderId,
    email: order.buyer?.buyerEmail ?? null,
    currency,
    subtotal: { amount: total, currency },
    total: { amount: total, currency },
    financialStatus: financial(status),
    fulfillmentStatus: fulfillment(status),
    cancelled: status === 'CANCELLED',
    lines: lines.filter((l) => l.quantity > 0),
    createdAt: new Date(order.createdTime).toISOString(),
    updatedAt: new Date(order.lastUpdatedTime).toISOString(),
  };
}

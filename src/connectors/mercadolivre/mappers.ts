import type { Listing, Order, OrderLine, Product, Variant } from '../../contracts/connectors.ts';
import { toMinorUnits } from '../../lib/money.ts';
import { ConnectorError } from '../sdk/connector-error.ts';

/** Mercado Livre shapes (the fields the connector reads) and their mapping to Nexo's DTOs. */
export interface MlAttribute {
  id?: string | null;
  name?: string | null;
  value_name?: string | null;
}

export interface MlVariation {
  id: number;
  price: number;
  available_quantity: number;
  attribute_combinations: MlAttribute[];
  attributes?: MlAttribute[];
  seller_custom_field?: string | null;
}

export interface MlItem {
  id: string;
  title: string;
  category_id: string;
  price: number;
  original_price?: number | null;
  currency_id: string;
  available_quantity: number;
  permalink?: string;
  pictures?: Array<{ secure_url?: string; url?: string }>;
  video_id?: string | null;
  attributes?: MlAttribute[];
  variations?: MlVariation[];
  status: string;
  listing_type_id?: string;
  seller_custom_field?: string | null;
  date_created: string;
  last_updated: string;
}

export interface MlOrder {
  id: number;
  status: string;
  date_created: string;
  last_updated: string;
  total_amount: number;
  currency_id: string;
  pack_id?: number | null;
  tags?: string[];
  order_items: Array<{
    item: { id: string | null; title: string; variation_id?: number | null; seller_sku?: string | null; seller_custom_field?: string | null };
    quantity: number;
    unit_price: number;
  }>;
}

const iso = (value: string) => {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new ConnectorError(`Mercado Livre sent an unreadable date: ${value}`, { kind: 'protocol' });
  return new Date(time).toISOString();
};

const money = (value: number, currency: string) => ({ amount: toMinorUnits(value, currency), currency });
const skuOf = (attributes: MlAttribute[] | undefined, fallback: string | null | undefined) =>
  attributes?.find((a) => a.id === 'SELLER_SKU')?.value_name ?? fallback ?? '';

export function productStatus(status: string): Product['status'] {
  if (status === 'active') return 'active';
  if (status === 'paused' || status === 'under_review' || status === 'inactive') return 'draft';
  return 'archived';
}

/** `MLB123` for an item without variations, `MLB123:456` for a variation: the stock record a PUT changes. */
export const inventoryItemIdOf = (itemId: string, variationId?: number | string | null) =>
  variationId === null || variationId === undefined ? itemId : `${itemId}:${variationId}`;

export function parseInventoryItemId(value: string): { itemId: string; variationId: number | null } {
  const match = /^(M[A-Z]{2}\d+)(?::(\d+))?$/.exec(value);
  if (!match) throw new ConnectorError(`Not a Mercado Livre stock id: ${value}`, { kind: 'rejected' });
  return { itemId: match[1] as string, variationId: match[2] ? Number(match[2]) : null };
}

export function toProduct(item: MlItem, description = ''): Product {
  const currency = item.currency_id;
  const compareAt = item.original_price ? money(item.original_price, currency) : null;
  const variants: Variant[] =
    item.variations && item.variations.length > 0
      ? item.variations.map((v) => ({
          channelId: String(v.id),
          sku: skuOf(v.attributes, v.seller_custom_field),
          title: v.attribute_combinations.map((c) => c.value_name ?? '').join(' / '),
          price: money(v.price, currency),
          compareAtPrice: compareAt,
          attributes: Object.fromEntries(v.attribute_combinations.map((c) => [c.name ?? c.id ?? 'Option', c.value_name ?? ''])),
          inventoryItemId: inventoryItemIdOf(item.id, v.id),
          quantity: v.available_quantity,
        }))
      : [
          {
            channelId: item.id,
            sku: skuOf(item.attributes, item.seller_custom_field),
            title: item.title,
            price: money(item.price, currency),
            compareAtPrice: compareAt,
            attributes: {},
            inventoryItemId: item.id,
            quantity: item.available_quantity,
          },
        ];
  return {
    channelId: item.id,
    title: item.title,
    description,
    vendor: item.attributes?.find((a) => a.id === 'BRAND')?.value_name ?? null,
    productType: item.category_id,
    status: productStatus(item.status),
    tags: [],
    handle: null,
    images: (item.pictures ?? []).map((p) => ({ url: p.secure_url ?? p.url ?? '', alt: null })),
    videoCount: item.video_id ? 1 : 0,
    variants,
    createdAt: iso(item.date_created),
    updatedAt: iso(item.last_updated),
  };
}

/** One listing per variation (or the item itself): ML's listing is the item, the variation its stock record. */
export function toListings(product: Product): Listing[] {
  const status: Listing['status'] = product.status === 'active' ? 'active' : 'inactive';
  return product.variants.map((variant) => ({
    channelListingId: product.channelId,
    channelVariantId: variant.channelId,
    sku: variant.sku,
    title: variant.channelId === product.channelId ? product.title : `${product.title} - ${variant.title}`,
    status,
    price: variant.price,
    quantity: variant.quantity,
    url: `https://produto.mercadolivre.com.br/${product.channelId.replace(/^([A-Z]+)(\d+)$/, '$1-$2')}-_JM`,
    fields: { itemId: product.channelId, variationId: variant.channelId === product.channelId ? null : variant.channelId, categoryId: product.productType },
  }));
}

function financialStatus(status: string): Order['financialStatus'] {
  if (status === 'paid') return 'paid';
  if (['confirmed', 'payment_required', 'payment_in_process', 'partially_paid'].includes(status)) return 'pending';
  if (status === 'partially_refunded') return 'partially_refunded';
  if (status === 'cancelled' || status === 'invalid') return 'voided';
  return 'other';
}

export function toOrder(order: MlOrder): Order {
  const currency = order.currency_id;
  const lines: OrderLine[] = order.order_items.map((entry, index) => {
    const unit = toMinorUnits(entry.unit_price, currency);
    return {
      channelId: `${order.id}-${index + 1}`,
      sku: entry.item.seller_sku ?? entry.item.seller_custom_field ?? '',
      title: entry.item.title,
      quantity: entry.quantity,
      unitPrice: { amount: unit, currency },
      total: { amount: unit * entry.quantity, currency },
      channelVariantId: entry.item.variation_id ? String(entry.item.variation_id) : entry.item.id,
    };
  });
  const subtotal = lines.reduce((sum, line) => sum + line.total.amount, 0);
  const tags = order.tags ?? [];
  return {
    channelId: String(order.id),
    number: String(order.pack_id ?? order.id),
    email: null,
    currency,
    subtotal: { amount: subtotal, currency },
    total: { amount: toMinorUnits(order.total_amount, currency), currency },
    financialStatus: financialStatus(order.status),
    fulfillmentStatus: tags.includes('delivered') || tags.includes('shipped') ? 'fulfilled' : 'unfulfilled',
    cancelled: order.status === 'cancelled',
    lines,
    createdAt: iso(order.date_created),
    updatedAt: iso(order.last_updated),
  };
}

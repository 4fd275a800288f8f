import type { EmuOrder, EmuProduct, EmuShop, EmuVariant } from '../shop-state.ts';
import { itemId, type MlState, orderId, variationId } from './ml-state.ts';

/** How the emulator shows its channel-neutral state as Mercado Livre JSON (items, orders). */

/** ML sends decimal numbers for money (129.9); the shop keeps minor units. */
export const decimal = (minor: number) => minor / 100;
export const toMinor = (value: number) => Math.round(value * 100);

/** ML dates carry the site's offset: 2024-05-01T10:00:00.000-03:00 for MLB. */
export function mlDate(iso: string): string {
  const shifted = new Date(Date.parse(iso) - 3 * 3_600_000).toISOString();
  return `${shifted.slice(0, 23)}-03:00`;
}

export const mlStatus = (status: EmuProduct['status']) => (status === 'active' ? 'active' : status === 'draft' ? 'paused' : 'closed');

/** An item has variations when a variant has options (or there are several); otherwise it is a plain item. */
export const hasVariations = (product: EmuProduct) => product.variants.length > 1 || product.variants.some((v) => Object.keys(v.options).length > 0);

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

export function soldQuantity(shop: EmuShop, variants: EmuVariant[]): number {
  const ids = new Set(variants.map((v) => v.id));
  let sold = 0;
  for (const order of shop.orders.values()) for (const line of order.lines) if (line.variantId !== null && ids.has(line.variantId)) sold += line.quantity;
  return sold;
}

export function renderItem(shop: EmuShop, state: MlState, product: EmuProduct) {
  const id = itemId(product.id);
  const stock = (v: EmuVariant) => shop.stock.get(v.inventoryItemId) ?? 0;
  const first = product.variants[0];
  const pictures = product.images.map((image, i) => ({
    id: `${product.id}-MLB${i + 1}_F`,
    url: image.url.replace(/^https:/, 'http:'),
    secure_url: image.url,
    size: '500x500',
    max_size: '1200x1200',
  }));
  const withVariations = hasVariations(product);
  const attributes = [
    { id: 'BRAND', name: 'Marca', value_name: product.vendor },
    ...Object.entries(product.attributes)
      .filter(([key]) => key !== 'category')
      .map(([key, value]) => ({ id: key.toUpperCase(), name: key, value_name: value })),
    ...(!withVariations && first ? [{ id: 'SELLER_SKU', name: 'SKU', value_name: first.sku }] : []),
  ];
  const prices = product.variants.map((v) => v.priceMinor);
  return {
    id,
    site_id: state.siteId,
    title: product.title,
    seller_id: state.userId,
    category_id: product.productType.startsWith('MLB') ? product.productType : 'MLB1953',
    price: decimal(prices.length ? Math.min(...prices) : 0),
    base_price: decimal(prices.length ? Math.min(...prices) : 0),
    original_price: first?.compareAtMinor ? decimal(first.compareAtMinor) : null,
    currency_id: shop.currency,
    initial_quantity: product.variants.reduce((sum, v) => sum + stock(v), 0),
    available_quantity: product.variants.reduce((sum, v) => sum + stock(v), 0),
    sold_quantity: soldQuantity(shop, product.variants),
    buying_mode: 'buy_it_now',
    listing_type_id: 'gold_special',
    condition: 'new',
    permalink: `https://produto.mercadolivre.com.br/MLB-${id.slice(3)}-${slug(product.title)}-_JM`,
    thumbnail: pictures[0]?.url ?? '',
    pictures,
    video_id: product.videos > 0 ? `yt-${product.id}` : null,
    attributes,
    variations: withVariations
      ? product.variants.map((v) => ({
          id: variationId(v.id),
          price: decimal(v.priceMinor),
          attribute_combinations: Object.entries(v.options).map(([name, value]) => ({ id: null, name, value_id: null, value_name: value })),
          available_quantity: stock(v),
          sold_quantity: soldQuantity(shop, [v]),
          picture_ids: pictures.slice(0, 1).map((p) => p.id),
          seller_custom_field: v.sku,
          attributes: [{ id: 'SELLER_SKU', name: 'SKU', value_name: v.sku }],
        }))
      : [],
    status: mlStatus(product.status),
    sub_status: [],
    tags: product.images.length === 0 ? ['poor_quality_thumbnail'] : [],
    seller_custom_field: withVariations ? null : (first?.sku ?? null),
    last_price_update: mlDate(first?.priceUpdatedAt ?? product.updatedAt),
    date_created: mlDate(product.createdAt),
    last_updated: mlDate(product.updatedAt),
  };
}

function findVariant(shop: EmuShop, variantId: number | null): { product: EmuProduct; variant: EmuVariant } | null {
  if (variantId === null) return null;
  for (const product of shop.products.values()) {
    const variant = product.variants.find((v) => v.id === variantId);
    if (variant) return { product, variant };
  }
  return null;
}

export function orderStatus(order: EmuOrder): string {
  if (order.cancelledAt) return 'cancelled';
  if (order.financialStatus === 'paid') return 'paid';
  if (order.financialStatus === 'refunded') return 'cancelled';
  return 'payment_required';
}

export function renderOrder(shop: EmuShop, state: MlState, order: EmuOrder) {
  const total = order.lines.reduce((sum, line) => sum + line.unitMinor * line.quantity, 0);
  return {
    id: orderId(order.id),
    date_created: mlDate(order.createdAt),
    date_closed: order.financialStatus === 'paid' ? mlDate(order.createdAt) : null,
    last_updated: mlDate(order.updatedAt),
    expiration_date: mlDate(new Date(Date.parse(order.createdAt) + 28 * 86_400_000).toISOString()),
    status: orderStatus(order),
    status_detail: null,
    order_items: order.lines.map((line) => {
      const found = findVariant(shop, line.variantId);
      return {
        item: {
          id: found ? itemId(found.product.id) : null,
          title: found?.product.title ?? line.title,
          category_id: 'MLB1953',
          variation_id: found && hasVariations(found.product) ? variationId(found.variant.id) : null,
          seller_custom_field: null,
          seller_sku: line.sku,
          variation_attributes: found ? Object.entries(found.variant.options).map(([name, value]) => ({ id: null, name, value_name: value })) : [],
        },
        quantity: line.quantity,
        unit_price: decimal(line.unitMinor),
        full_unit_price: decimal(line.unitMinor),
        currency_id: order.currency,
        sale_fee: decimal(Math.round(line.unitMinor * 0.14)),
      };
    }),
    total_amount: decimal(total),
    paid_amount: order.financialStatus === 'paid' ? decimal(total) : 0,
    currency_id: order.currency,
    buyer: { id: 500_000_000 + (order.id % 100_000), nickname: order.email.split('@')[0]?.toUpperCase().replace(/\W/g, '') ?? 'BUYER' },
    seller: { id: state.userId },
    payments:
      order.financialStatus === 'paid'
        ? [{ id: 60_000_000_000 + order.id, status: 'approved', transaction_amount: decimal(total), currency_id: order.currency }]
        : [],
    shipping: { id: 40_000_000_000 + order.id },
    tags: [order.financialStatus === 'paid' ? 'paid' : 'not_paid', order.fulfillmentStatus === 'fulfilled' ? 'delivered' : 'not_delivered'],
    pack_id: null,
    fulfilled: order.fulfillmentStatus === 'fulfilled' ? true : null,
  };
}

export const mlError = (status: number, error: string, message: string, cause: unknown[] = []) => ({ message, error, status, cause });

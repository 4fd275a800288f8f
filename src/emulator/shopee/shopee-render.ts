import type { EmuOrder, EmuProduct, EmuShop, EmuVariant } from '../shop-state.ts';
import { hasModels, itemIdOf, orderSnOf, type ShopeeState } from './shopee-state.ts';

/** How the emulator shows its channel-neutral state as Shopee v2 JSON (money as decimals, times in unix seconds). */
export const decimal = (minor: number) => minor / 100;
export const toMinor = (value: number) => Math.round(value * 100);
export const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

export const itemStatus = (status: EmuProduct['status']) => (status === 'active' ? 'NORMAL' : status === 'draft' ? 'UNLIST' : 'SELLER_DELETE');

const priceInfo = (shop: EmuShop, v: EmuVariant) => [
  {
    currency: shop.currency,
    original_price: decimal(v.compareAtMinor ?? v.priceMinor),
    current_price: decimal(v.priceMinor),
  },
];
const stockInfo = (shop: EmuShop, variants: EmuVariant[]) => {
  const total = variants.reduce((sum, v) => sum + (shop.stock.get(v.inventoryItemId) ?? 0), 0);
  return { summary_info: { total_reserved_stock: 0, total_available_stock: total }, seller_stock: [{ location_id: `${shop.currency}Z`, stock: total }] };
};

/** Tier variations (at most two option names) and each variant's index in them. */
export function tiersOf(product: EmuProduct) {
  const names = [...new Set(product.variants.flatMap((v) => Object.keys(v.options)))].slice(0, 2);
  const tiers = names.map((name) => ({ name, options: [...new Set(product.variants.map((v) => v.options[name] ?? '-'))] }));
  return tiers;
}

export function renderBaseInfo(shop: EmuShop, state: ShopeeState, product: EmuProduct) {
  const models = hasModels(state, product);
  const first = product.variants[0] as EmuVariant;
  return {
    item_id: itemIdOf(product.id),
    category_id: 100_000 + (product.productType.length % 50),
    item_name: product.title,
    description: product.description,
    item_sku: state.itemSkus.get(product.id) ?? (models ? '' : first.sku),
    create_time: seconds(product.createdAt),
    update_time: seconds(product.updatedAt),
    item_status: itemStatus(product.status),
    has_model: models,
    ...(models ? {} : { price_info: priceInfo(shop, first), stock_info_v2: stockInfo(shop, [first]) }),
    image: {
      image_url_list: product.images.map((i) => i.url),
      image_id_list: product.images.map((_, i) => `${product.handle}-${i}`),
    },
    video_info: Array.from({ length: product.videos }, (_, i) => ({ video_url: `https://cvf.emulator.invalid/${product.id}-${i}.mp4` })),
    brand: { brand_id: 0, original_brand_name: product.vendor || 'NoBrand' },
    weight: '0.5',
    condition: 'NEW',
  };
}

export function renderModels(shop: EmuShop, product: EmuProduct) {
  const tiers = tiersOf(product);
  return {
    tier_variation: tiers.map((t) => ({ name: t.name, option_list: t.options.map((option) => ({ option })) })),
    model: product.variants.map((v) => ({
      model_id: v.id,
      tier_index: tiers.map((t) => t.options.indexOf(v.options[t.name] ?? '-')),
      model_sku: v.sku,
      price_info: priceInfo(shop, v),
      stock_info_v2: stockInfo(shop, [v]),
    })),
  };
}

export function orderStatus(order: EmuOrder): string {
  if (order.cancelledAt || order.financialStatus === 'refunded') return 'CANCELLED';
  if (order.financialStatus === 'pending') return 'UNPAID';
  return order.fulfillmentStatus === 'fulfilled' ? 'SHIPPED' : 'READY_TO_SHIP';
}

export function renderOrder(shop: EmuShop, state: ShopeeState, order: EmuOrder) {
  const variants = new Map([...shop.products.values()].flatMap((p) => p.variants.map((v) => [v.id, { p, v }] as const)));
  return {
    order_sn: orderSnOf(order),
    region: state.region,
    currency: order.currency,
    order_status: orderStatus(order),
    create_time: seconds(order.createdAt),
    update_time: seconds(order.updatedAt),
    buyer_username: order.email.split('@')[0],
    total_amount: decimal(order.lines.reduce((sum, l) => sum + l.unitMinor * l.quantity, 0)),
    item_list: order.lines.map((line) => {
      const found = line.variantId === null ? undefined : variants.get(line.variantId);
      const models = found ? hasModels(state, found.p) : false;
      return {
        item_id: found ? itemIdOf(found.p.id) : 0,
        item_name: found?.p.title ?? line.title,
        item_sku: found && !models ? line.sku : '',
        model_id: found && models ? found.v.id : 0,
        model_name: found && models ? found.v.title : '',
        model_sku: models ? line.sku : '',
        model_quantity_purchased: line.quantity,
        model_original_price: decimal(line.unitMinor),
        model_discounted_price: decimal(line.unitMinor),
      };
    }),
  };
}

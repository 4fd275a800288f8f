import type { EmuOrder, EmuProduct, EmuShop } from '../shop-state.ts';
import { gid } from './shopify-state.ts';

/** The emulator state in Shopify Admin GraphQL shapes (full objects; the emulator does not trim to the selection set). */
export const LOCATION_ID = 1;

export function decimal(minor: number, currency: string): string {
  const exponent = ['JPY', 'KRW', 'CLP'].includes(currency) ? 0 : 2;
  if (exponent === 0) return `${minor}.0`;
  return (minor / 100).toFixed(2);
}

export function renderProduct(shop: EmuShop, product: EmuProduct, variantsFirst = 250) {
  const variants = product.variants.slice(0, variantsFirst);
  return {
    id: gid('Product', product.id),
    legacyResourceId: String(product.id),
    title: product.title,
    descriptionHtml: product.description,
    vendor: product.vendor,
    productType: product.productType,
    status: product.status.toUpperCase(),
    tags: product.tags,
    handle: product.handle,
    onlineStoreUrl: product.status === 'active' ? `https://${shop.shop}/products/${product.handle}` : null,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    media: {
      nodes: [
        ...product.images.map((image) => ({ mediaContentType: 'IMAGE', image: { url: image.url, altText: image.alt } })),
        ...Array.from({ length: product.videos }, () => ({ mediaContentType: 'VIDEO' })),
      ],
    },
    variants: {
      nodes: variants.map((variant) => ({
        id: gid('ProductVariant', variant.id),
        sku: variant.sku,
        title: variant.title,
        price: decimal(variant.priceMinor, shop.currency),
        compareAtPrice: variant.compareAtMinor === null ? null : decimal(variant.compareAtMinor, shop.currency),
        inventoryQuantity: shop.stock.get(variant.inventoryItemId) ?? 0,
        selectedOptions: Object.entries(variant.options).map(([name, value]) => ({ name, value })),
        inventoryItem: { id: gid('InventoryItem', variant.inventoryItemId) },
      })),
      pageInfo: { hasNextPage: product.variants.length > variants.length },
    },
  };
}

const money = (minor: number, currency: string) => ({ shopMoney: { amount: decimal(minor, currency), currencyCode: currency } });

export function renderOrder(order: EmuOrder, linesFirst = 250) {
  const subtotal = order.lines.reduce((sum, line) => sum + line.unitMinor * line.quantity, 0);
  return {
    id: gid('Order', order.id),
    name: `#${order.number}`,
    email: order.email,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    displayFinancialStatus: order.financialStatus.toUpperCase(),
    displayFulfillmentStatus: order.fulfillmentStatus.toUpperCase(),
    currencyCode: order.currency,
    subtotalPriceSet: money(subtotal, order.currency),
    totalPriceSet: money(subtotal, order.currency),
    lineItems: {
      nodes: order.lines.slice(0, linesFirst).map((line) => ({
        id: gid('LineItem', line.id),
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        variant: line.variantId === null ? null : { id: gid('ProductVariant', line.variantId) },
        originalUnitPriceSet: money(line.unitMinor, order.currency),
      })),
    },
  };
}

/** Webhook payloads use the REST resource shapes (snake_case, numeric ids), as Shopify sends them. */
export function orderWebhookPayload(order: EmuOrder) {
  const subtotal = order.lines.reduce((sum, line) => sum + line.unitMinor * line.quantity, 0);
  return {
    id: order.id,
    admin_graphql_api_id: gid('Order', order.id),
    name: `#${order.number}`,
    order_number: order.number,
    email: order.email,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
    cancelled_at: order.cancelledAt,
    currency: order.currency,
    subtotal_price: decimal(subtotal, order.currency),
    total_price: decimal(subtotal, order.currency),
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus === 'fulfilled' ? 'fulfilled' : null,
    line_items: order.lines.map((line) => ({
      id: line.id,
      variant_id: line.variantId,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      price: decimal(line.unitMinor, order.currency),
    })),
  };
}

export function productWebhookPayload(shop: EmuShop, product: EmuProduct) {
  return {
    id: product.id,
    admin_graphql_api_id: gid('Product', product.id),
    title: product.title,
    handle: product.handle,
    status: product.status,
    updated_at: product.updatedAt,
    variants: product.variants.map((variant) => ({
      id: variant.id,
      product_id: product.id,
      sku: variant.sku,
      price: decimal(variant.priceMinor, shop.currency),
      inventory_item_id: variant.inventoryItemId,
      inventory_quantity: shop.stock.get(variant.inventoryItemId) ?? 0,
    })),
  };
}

export const inventoryWebhookPayload = (inventoryItemId: number, available: number, at: string) => ({
  inventory_item_id: inventoryItemId,
  location_id: LOCATION_ID,
  available,
  updated_at: at,
  admin_graphql_api_id: `gid://shopify/InventoryLevel/${LOCATION_ID}?inventory_item_id=${inventoryItemId}`,
});

import type { Listing, Order, Product, Variant } from '../../contracts/connectors.ts';
import { toMinorUnits } from '../../lib/money.ts';
import { ConnectorError } from '../sdk/connector-error.ts';

/** Shopify Admin GraphQL shapes (only the fields the connector selects) -> normalized DTOs. */
export interface ShopifyVariantNode {
  id: string;
  sku: string | null;
  title: string;
  price: string;
  compareAtPrice: string | null;
  inventoryQuantity: number | null;
  selectedOptions: Array<{ name: string; value: string }>;
  inventoryItem: { id: string } | null;
}

export interface ShopifyProductNode {
  id: string;
  title: string;
  descriptionHtml: string;
  vendor: string | null;
  productType: string | null;
  status: 'ACTIVE' | 'DRAFT' | 'ARCHIVED';
  tags: string[];
  handle: string;
  onlineStoreUrl?: string | null;
  createdAt: string;
  updatedAt: string;
  media?: { nodes: Array<{ mediaContentType: string; image?: { url: string; altText: string | null } | null }> };
  variants?: { nodes: ShopifyVariantNode[]; pageInfo?: { hasNextPage: boolean } };
}

interface MoneySet {
  shopMoney: { amount: string; currencyCode: string };
}

export interface ShopifyOrderNode {
  id: string;
  name: string;
  email: string | null;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  displayFinancialStatus: string | null;
  displayFulfillmentStatus: string | null;
  currencyCode: string;
  subtotalPriceSet: MoneySet | null;
  totalPriceSet: MoneySet;
  lineItems: {
    nodes: Array<{ id: string; sku: string | null; title: string; quantity: number; variant: { id: string } | null; originalUnitPriceSet: MoneySet }>;
  };
}

function money(amount: string, currency: string) {
  try {
    return { amount: toMinorUnits(amount, currency), currency };
  } catch (error) {
    throw new ConnectorError(`Shopify sent an amount Nexo cannot read: ${amount} ${currency}`, { kind: 'protocol', cause: error });
  }
}

const fromSet = (set: MoneySet) => money(set.shopMoney.amount, set.shopMoney.currencyCode);

export function toVariant(node: ShopifyVariantNode, currency: string): Variant {
  return {
    channelId: node.id,
    sku: node.sku ?? '',
    title: node.title,
    price: money(node.price, currency),
    compareAtPrice: node.compareAtPrice ? money(node.compareAtPrice, currency) : null,
    attributes: Object.fromEntries(node.selectedOptions.map((option) => [option.name, option.value])),
    inventoryItemId: node.inventoryItem?.id ?? null,
    quantity: node.inventoryQuantity ?? null,
  };
}

export function toProduct(node: ShopifyProductNode, currency: string, variants?: ShopifyVariantNode[]): Product {
  const media = node.media?.nodes ?? [];
  return {
    channelId: node.id,
    title: node.title,
    description: node.descriptionHtml ?? '',
    vendor: node.vendor || null,
    productType: node.productType || null,
    status: node.status.toLowerCase() as Product['status'],
    tags: node.tags ?? [],
    handle: node.handle ?? null,
    images: media.filter((m) => m.mediaContentType === 'IMAGE' && m.image).map((m) => ({ url: m.image?.url ?? '', alt: m.image?.altText ?? null })),
    videoCount: media.filter((m) => m.mediaContentType === 'VIDEO' || m.mediaContentType === 'EXTERNAL_VIDEO').length,
    variants: (variants ?? node.variants?.nodes ?? []).map((variant) => toVariant(variant, currency)),
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
}

/** One listing per variant: on Shopify a product is published as a whole, so its status applies to every variant. */
export function toListings(product: Product, shop: string): Listing[] {
  return product.variants.map((variant) => ({
    channelListingId: product.channelId,
    channelVariantId: variant.channelId,
    sku: variant.sku,
    title: product.variants.length > 1 ? `${product.title} - ${variant.title}` : product.title,
    status: product.status === 'active' ? 'active' : product.status === 'draft' ? 'draft' : 'inactive',
    price: variant.price,
    quantity: variant.quantity,
    url: product.status === 'active' && product.handle ? `https://${shop}/products/${product.handle}` : null,
    fields: { handle: product.handle, vendor: product.vendor, productType: product.productType, tags: product.tags },
  }));
}

const financial: Record<string, Order['financialStatus']> = {
  PENDING: 'pending',
  AUTHORIZED: 'pending',
  PAID: 'paid',
  PARTIALLY_PAID: 'pending',
  PARTIALLY_REFUNDED: 'partially_refunded',
  REFUNDED: 'refunded',
  VOIDED: 'voided',
};
const fulfillment: Record<string, Order['fulfillmentStatus']> = {
  UNFULFILLED: 'unfulfilled',
  PARTIALLY_FULFILLED: 'partial',
  FULFILLED: 'fulfilled',
};

export function toOrder(node: ShopifyOrderNode): Order {
  const currency = node.currencyCode;
  return {
    channelId: node.id,
    number: node.name,
    email: node.email ?? null,
    currency,
    subtotal: node.subtotalPriceSet ? fromSet(node.subtotalPriceSet) : fromSet(node.totalPriceSet),
    total: fromSet(node.totalPriceSet),
    financialStatus: financial[node.displayFinancialStatus ?? ''] ?? 'other',
    fulfillmentStatus: fulfillment[node.displayFulfillmentStatus ?? ''] ?? 'other',
    cancelled: node.cancelledAt !== null,
    lines: node.lineItems.nodes.map((line) => {
      const unitPrice = fromSet(line.originalUnitPriceSet);
      return {
        channelId: line.id,
        sku: line.sku ?? '',
        title: line.title,
        quantity: line.quantity,
        unitPrice,
        total: { amount: unitPrice.amount * line.quantity, currency: unitPrice.currency },
        channelVariantId: line.variant?.id ?? null,
      };
    }),
    createdAt: node.createdAt,
    updatedAt: node.updatedAt,
  };
}

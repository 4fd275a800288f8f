import { fromMinorUnits } from '../../lib/money.ts';
import type { EmuOrder, EmuShop } from '../shop-state.ts';
import type { EmuResponse } from '../shopify/shopify-handler.ts';
import { spError } from './amazon-listings.ts';
import type { AmazonState } from './amazon-state.ts';

/**
 * Orders API 2026-01-01 (`searchOrders`, `getOrder`) as Nexo reads it: see docs/connectors.md for the
 * assumed shape (orders with `orderItems`, `fulfillment.fulfillmentStatus`, money as `{ amount, currencyCode }`).
 */
const pad = (n: number) => String(n % 10_000_000).padStart(7, '0');
export const amazonOrderId = (id: number) => `${701 + (id % 200)}-${pad(id)}-${pad((id * 7919) % 10_000_000)}`;
export const parseAmazonOrderId = (value: string): number | null => {
  const match = /^\d{3}-(\d{7})-\d{7}$/.exec(value);
  return match ? Number(match[1]) : null;
};

const money = (amount: number, currency: string) => ({ amount: fromMinorUnits(amount, currency), currencyCode: currency });

function status(order: EmuOrder): string {
  if (order.cancelledAt) return 'CANCELLED';
  if (order.financialStatus === 'pending') return 'PENDING';
  return order.fulfillmentStatus === 'fulfilled' ? 'SHIPPED' : 'UNSHIPPED';
}

function renderOrder(state: AmazonState, order: EmuOrder, included: Set<string>): Record<string, unknown> {
  const total = order.lines.reduce((sum, line) => sum + line.unitMinor * line.quantity, 0);
  return {
    orderId: amazonOrderId(order.id),
    orderAliases: [{ aliasId: String(order.number), aliasType: 'SELLER_ORDER_ID' }],
    createdTime: order.createdAt,
    lastUpdatedTime: order.updatedAt,
    salesChannel: { channelName: 'Amazon', marketplaceId: state.marketplaceId },
    fulfillment: { fulfillmentStatus: status(order), fulfilledBy: 'MERCHANT', fulfillmentServiceLevel: 'STANDARD' },
    ...(included.has('BUYER') ? { buyer: { buyerEmail: order.email.replace(/@.*/, '@marketplace.amazon.com.br') } } : {}),
    proceeds: { grandTotal: money(total, order.currency) },
    orderItems: order.lines.map((line) => ({
      orderItemId: String(10_000_000_000_000 + line.id),
      quantityOrdered: line.quantity,
      product: { sellerSku: line.sku, title: line.title, price: { unitPrice: money(line.unitMinor, order.currency) } },
      proceeds: { proceedsTotal: money(line.unitMinor * line.quantity, order.currency) },
    })),
  };
}

const included = (query: URLSearchParams) => new Set((query.get('includedData') ?? '').split(',').filter(Boolean));

export function searchOrders(shop: EmuShop, state: AmazonState, query: URLSearchParams): EmuResponse {
  const marketplaces = (query.get('marketplaceIds') ?? '').split(',').filter(Boolean);
  if (!marketplaces.includes(state.marketplaceId)) return spError(400, 'InvalidInput', "marketplaceIds must include the seller's marketplace");
  const createdAfter = query.get('createdAfter');
  const updatedAfter = query.get('lastUpdatedAfter');
  if ((createdAfter === null) === (updatedAfter === null)) return spError(400, 'InvalidInput', 'Exactly one of createdAfter and lastUpdatedAfter is required');
  const from = Date.parse((createdAfter ?? updatedAfter) as string);
  if (Number.isNaN(from)) return spError(400, 'InvalidInput', 'Dates must be ISO 8601');
  const perPage = Number(query.get('maxResultsPerPage') ?? 100);
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return spError(400, 'InvalidInput', 'maxResultsPerPage must be between 1 and 100');
  const orders = [...shop.orders.values()]
    .filter((o) => Date.parse(createdAfter ? o.createdAt : o.updatedAt) >= from)
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt) || a.id - b.id);
  const token = query.get('paginationToken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^p:/, '')) : 0;
  if (!Number.isInteger(offset) || offset < 0) return spError(400, 'InvalidInput', 'Invalid paginationToken');
  const page = orders.slice(offset, offset + perPage);
  const next = offset + perPage < orders.length ? Buffer.from(`p:${offset + perPage}`).toString('base64url') : null;
  const data = included(query);
  return {
    status: 200,
    body: {
      orders: page.map((o) => renderOrder(state, o, data)),
      ...(next ? { pagination: { nextToken: next } } : {}),
      ...(updatedAfter ? { lastUpdatedBefore: new Date().toISOString() } : { createdBefore: new Date().toISOString() }),
    },
  };
}

export function getOrder(shop: EmuShop, state: AmazonState, orderId: string, query: URLSearchParams): EmuResponse {
  const id = parseAmazonOrderId(orderId);
  const order = id === null ? undefined : shop.orders.get(id);
  if (!order || amazonOrderId(order.id) !== orderId) return spError(404, 'NotFound', `Order ${orderId} not found`);
  return { status: 200, body: { order: renderOrder(state, order, included(query)) } };
}

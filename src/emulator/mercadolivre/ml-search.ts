import { randomBytes } from 'node:crypto';
import type { EmuShop } from '../shop-state.ts';
import type { EmuResponse } from '../shopify/shopify-handler.ts';
import { mlError, mlStatus, renderOrder } from './ml-render.ts';
import { itemId, mlStateOf, ORDER_BASE } from './ml-state.ts';

/**
 * Listing searches as ML documents them: `/users/{id}/items/search` (offset paging up to 1,000 results,
 * or `search_type=scan` with a `scroll_id` for full scans, 100 per page, the scroll valid 5 minutes) and
 * `/orders/search?seller=` (offset paging, at most 51 per page, `order.date_last_updated.from/to`,
 * `sort=date_asc|date_desc` by creation date).
 */
const json = (status: number, body: unknown): EmuResponse => ({ status, body });
export const SCAN_LIMIT_MAX = 100;
export const OFFSET_MAX = 1000;
export const ORDERS_LIMIT_MAX = 51;
const SCROLL_TTL_MS = 5 * 60_000;

const forbidden = () => json(403, mlError(403, 'forbidden', 'Caller is not allowed to access this resource'));
const badRequest = (message: string) => json(400, mlError(400, 'bad_request', message));

function intParam(query: URLSearchParams, name: string, fallback: number): number | null {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

function matchingItemIds(shop: EmuShop, query: URLSearchParams): string[] {
  const sku = query.get('seller_sku');
  const status = query.get('status');
  return [...shop.products.values()]
    .filter((p) => (sku ? p.variants.some((v) => v.sku === sku) : true))
    .filter((p) => (status ? mlStatus(p.status) === status : true))
    .sort((a, b) => a.id - b.id)
    .map((p) => itemId(p.id));
}

export function searchItems(shop: EmuShop, userId: string, query: URLSearchParams, now: number): EmuResponse {
  const state = mlStateOf(shop);
  if (userId !== String(state.userId)) return forbidden();
  const limit = intParam(query, 'limit', 50);
  if (limit === null || limit < 1) return badRequest('invalid limit');
  if (query.get('search_type') === 'scan') {
    if (limit > SCAN_LIMIT_MAX) return badRequest(`limit must be lower or equal than ${SCAN_LIMIT_MAX}`);
    const scrollId = query.get('scroll_id');
    let scroll: { ids: string[]; position: number; expiresAt: number } | undefined;
    let id = scrollId ?? '';
    if (scrollId) {
      scroll = state.scrolls.get(scrollId);
      if (!scroll || scroll.expiresAt < now) return badRequest('invalid scroll_id: it expired or does not exist');
    } else {
      id = randomBytes(24).toString('base64url');
      scroll = { ids: matchingItemIds(shop, query), position: 0, expiresAt: 0 };
      state.scrolls.set(id, scroll);
    }
    scroll.expiresAt = now + SCROLL_TTL_MS;
    const results = scroll.ids.slice(scroll.position, scroll.position + limit);
    scroll.position += results.length;
    return json(200, { seller_id: userId, results, paging: { total: scroll.ids.length, limit }, scroll_id: id, query: null });
  }
  const offset = intParam(query, 'offset', 0);
  if (offset === null) return badRequest('invalid offset');
  if (offset + limit > OFFSET_MAX) return badRequest(`offset + limit must be lower than ${OFFSET_MAX}: use search_type=scan`);
  const ids = matchingItemIds(shop, query);
  return json(200, { seller_id: userId, results: ids.slice(offset, offset + limit), paging: { total: ids.length, offset, limit }, query: null });
}

export function searchOrders(shop: EmuShop, query: URLSearchParams): EmuResponse {
  const state = mlStateOf(shop);
  const seller = query.get('seller');
  if (!seller) return badRequest('seller is required');
  if (seller !== String(state.userId)) return forbidden();
  const limit = intParam(query, 'limit', 50);
  const offset = intParam(query, 'offset', 0);
  if (limit === null || limit < 1 || limit > ORDERS_LIMIT_MAX) return badRequest(`limit must be between 1 and ${ORDERS_LIMIT_MAX}`);
  if (offset === null) return badRequest('invalid offset');
  const time = (name: string) => {
    const raw = query.get(name);
    if (raw === null) return undefined;
    const parsed = Date.parse(raw);
    return Number.isNaN(parsed) ? null : parsed;
  };
  const from = time('order.date_last_updated.from');
  const to = time('order.date_last_updated.to');
  if (from === null || to === null) return badRequest('invalid date filter');
  const sort = query.get('sort') ?? 'date_asc';
  if (sort !== 'date_asc' && sort !== 'date_desc') return badRequest('invalid sort');
  const orders = [...shop.orders.values()]
    .filter((o) => (from === undefined ? true : Date.parse(o.updatedAt) >= from))
    .filter((o) => (to === undefined ? true : Date.parse(o.updatedAt) <= to))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id - b.id);
  if (sort === 'date_desc') orders.reverse();
  return json(200, {
    query: null,
    results: orders.slice(offset, offset + limit).map((o) => renderOrder(shop, state, o)),
    sort: { id: sort, name: sort === 'date_asc' ? 'Date ascending' : 'Date descending' },
    available_sorts: [{ id: sort === 'date_asc' ? 'date_desc' : 'date_asc', name: '' }],
    filters: [],
    paging: { total: orders.length, offset, limit },
    display: 'complete',
  });
}

export function getOrder(shop: EmuShop, id: string): EmuResponse {
  const order = /^\d+$/.test(id) ? shop.orders.get(Number(BigInt(id) - BigInt(ORDER_BASE))) : undefined;
  if (!order) return json(404, mlError(404, 'not_found', `Order ${id} not found`));
  return json(200, renderOrder(shop, mlStateOf(shop), order));
}

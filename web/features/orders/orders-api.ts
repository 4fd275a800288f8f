import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import type { orderFinancialStatuses, orderFulfillmentStatuses } from '../../../src/contracts/connectors.ts';
import { listOrdersResponseSchema, type OrderView, orderDetailSchema, ordersSummarySchema } from '../../../src/contracts/orders.ts';
import { request } from '../../api/index.ts';

export type { OrderView };
export type FinancialStatus = (typeof orderFinancialStatuses)[number];
export type FulfillmentStatus = (typeof orderFulfillmentStatuses)[number];

export const ORDERS_KEY = ['orders'] as const;
export const ORDERS_PAGE_SIZE = 25;

export interface OrderFilters {
  storeId?: string;
  platform?: string;
  financialStatus?: FinancialStatus;
  fulfillmentStatus?: FulfillmentStatus;
  cancelled?: 'true' | 'false';
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
  q?: string;
}

export function orderSearch(filters: OrderFilters, cursor?: string | null, paged = true): string {
  const params = new URLSearchParams();
  for (const key of ['storeId', 'platform', 'financialStatus', 'fulfillmentStatus', 'cancelled', 'from', 'to', 'q'] as const) {
    const value = filters[key];
    if (value) params.set(key, value);
  }
  if (!paged) return params.toString();
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(ORDERS_PAGE_SIZE));
  return params.toString();
}

export const ordersQuery = (filters: OrderFilters) =>
  infiniteQueryOptions({
    queryKey: [...ORDERS_KEY, 'list', filters],
    queryFn: ({ pageParam, signal }) => request(`/api/orders?${orderSearch(filters, pageParam)}`, { schema: listOrdersResponseSchema, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

export const ordersSummaryQuery = (filters: OrderFilters) =>
  queryOptions({
    queryKey: [...ORDERS_KEY, 'summary', filters],
    queryFn: ({ signal }) => request(`/api/orders/summary?${orderSearch(filters, null, false)}`, { schema: ordersSummarySchema, signal }),
  });

export const orderQuery = (id: string) =>
  queryOptions({
    queryKey: [...ORDERS_KEY, 'detail', id],
    queryFn: ({ signal }) => request(`/api/orders/${encodeURIComponent(id)}`, { schema: orderDetailSchema, signal }),
  });

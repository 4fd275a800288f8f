import type { Order, Page } from '../../contracts/connectors.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import { type MlOrder, toOrder } from './mappers.ts';
import type { MlSession } from './ml-session.ts';

export const ORDERS_PAGE_MAX = 51;

/** `/orders/search?seller=` with offset paging (the cursor is the offset) and `/orders/{id}`. */
export function orderMethods(session: MlSession) {
  async function listOrders(options: { cursor?: string | null; limit?: number; updatedSince?: string } = {}): Promise<Page<Order>> {
    const offset = options.cursor ? Number(options.cursor) : 0;
    if (!Number.isInteger(offset) || offset < 0) throw new ConnectorError('Not a Mercado Livre orders cursor', { kind: 'rejected' });
    const limit = Math.max(1, Math.min(options.limit ?? 50, ORDERS_PAGE_MAX));
    const answer = await session.request<{ results: MlOrder[]; paging: { total: number; offset: number; limit: number } }>({
      path: '/orders/search',
      query: {
        seller: session.userId(),
        sort: 'date_asc',
        offset,
        limit,
        ...(options.updatedSince ? { 'order.date_last_updated.from': new Date(options.updatedSince).toISOString() } : {}),
      },
      idempotent: true,
    });
    const results = answer.results ?? [];
    const next = offset + results.length;
    return { items: results.map(toOrder), nextCursor: results.length > 0 && next < (answer.paging?.total ?? 0) ? String(next) : null };
  }

  async function getOrder(channelId: string): Promise<Order | null> {
    if (!/^\d+$/.test(channelId)) return null;
    try {
      return toOrder(await session.request<MlOrder>({ path: `/orders/${channelId}`, idempotent: true }));
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  }

  return { listOrders, getOrder };
}

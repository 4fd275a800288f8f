import type { Order, Page } from '../../contracts/connectors.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import type { AmazonSession } from './amazon-session.ts';
import { type SpOrder, toOrder } from './mappers.ts';

/**
 * Orders API 2026-01-01: `searchOrders` (GET /orders/2026-01-01/orders, exactly one of createdAfter /
 * lastUpdatedAfter, `paginationToken` = the previous page's `pagination.nextToken`, 100 a page) and
 * `getOrder`. Incremental syncs pass `lastUpdatedAfter`; a full sync reads the last two years (what the
 * API keeps). `includedData=BUYER` asks for the buyer (its e-mail is Amazon's anonymised relay address).
 */
const PAGE_MAX = 100;
const HISTORY_MS = 730 * 86_400_000;

export function orderMethods(session: AmazonSession) {
  const currency = session.currency();
  async function listOrders(options: { cursor?: string | null; limit?: number; updatedSince?: string } = {}): Promise<Page<Order>> {
    const since = options.updatedSince ? new Date(options.updatedSince) : new Date(session.now() - HISTORY_MS);
    if (Number.isNaN(since.getTime())) throw new ConnectorError('updatedSince is not a date', { kind: 'rejected' });
    const answer = await session.request<{ orders: SpOrder[]; pagination?: { nextToken?: string } }>('searchOrders', {
      path: '/orders/2026-01-01/orders',
      query: {
        marketplaceIds: session.config.marketplaceId,
        lastUpdatedAfter: since.toISOString(),
        maxResultsPerPage: Math.max(1, Math.min(options.limit ?? PAGE_MAX, PAGE_MAX)),
        includedData: 'BUYER',
        paginationToken: options.cursor ?? undefined,
      },
      idempotent: true,
    });
    if (!Array.isArray(answer?.orders)) throw new ConnectorError('Amazon searchOrders answered without orders', { kind: 'protocol' });
    return { items: answer.orders.map((o) => toOrder(o, currency)), nextCursor: answer.pagination?.nextToken ?? null };
  }

  async function getOrder(channelId: string): Promise<Order | null> {
    if (!/^\d{3}-\d{7}-\d{7}$/.test(channelId)) return null;
    try {
      const answer = await session.request<{ order: SpOrder }>('getOrder', {
        path: `/orders/2026-01-01/orders/${encodeURIComponent(channelId)}`,
        query: { includedData: 'BUYER' },
        idempotent: true,
      });
      return toOrder(answer.order, currency);
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  }

  return { listOrders, getOrder };
}

import type { Order, Page } from '../../contracts/connectors.ts';
import { ConnectorError, isConnectorError } from '../sdk/connector-error.ts';
import { type ShopeeOrder, toOrder } from './mappers.ts';
import type { ShopeeSession } from './shopee-session.ts';

export const ORDER_PAGE_MAX = 100;
export const ORDER_DETAIL_MAX = 50;
/** get_order_list refuses a time range longer than 15 days. */
export const ORDER_WINDOW_SECONDS = 15 * 86_400;
const DETAIL_FIELDS = 'buyer_username,item_list,total_amount,pay_time';

/** Cursor: `<window from>:<end of the whole range>:<Shopee cursor within the window>` (unix seconds). */
function parseCursor(cursor: string): { from: number; end: number; inner: string } {
  const match = /^(\d+):(\d+):(.*)$/.exec(cursor);
  if (!match) throw new ConnectorError('Not a Shopee order list cursor', { kind: 'rejected' });
  return { from: Number(match[1]), end: Number(match[2]), inner: match[3] as string };
}

export function orderMethods(session: ShopeeSession) {
  async function details(orderSns: string[]): Promise<Order[]> {
    const orders: Order[] = [];
    for (let i = 0; i < orderSns.length; i += ORDER_DETAIL_MAX) {
      const answer = await session.request<{ response?: { order_list?: ShopeeOrder[] } }>({
        path: '/api/v2/order/get_order_detail',
        query: { order_sn_list: orderSns.slice(i, i + ORDER_DETAIL_MAX).join(','), response_optional_fields: DETAIL_FIELDS },
        idempotent: true,
      });
      orders.push(...(answer.response?.order_list ?? []).map(toOrder));
    }
    return orders;
  }

  /**
   * get_order_list by `update_time`, walking 15-day windows from `updatedSince` (or `orderLookbackDays` ago)
   * to the moment the listing started, oldest window first; each window is paged with Shopee's cursor and
   * the order numbers are read in batches of 50 with get_order_detail.
   */
  async function listOrders(options: { cursor?: string | null; limit?: number; updatedSince?: string } = {}): Promise<Page<Order>> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    let { from, end, inner } = options.cursor
      ? parseCursor(options.cursor)
      : {
          from: options.updatedSince ? Math.floor(Date.parse(options.updatedSince) / 1000) : nowSeconds - session.config.orderLookbackDays * 86_400,
          end: nowSeconds + 1,
          inner: '',
        };
    const pageSize = Math.max(1, Math.min(options.limit ?? 50, ORDER_PAGE_MAX));
    for (;;) {
      const to = Math.min(end, from + ORDER_WINDOW_SECONDS);
      const answer = await session.request<{ response?: { order_list?: Array<{ order_sn: string }>; more?: boolean; next_cursor?: string } }>({
        path: '/api/v2/order/get_order_list',
        query: { time_range_field: 'update_time', time_from: from, time_to: to, page_size: pageSize, cursor: inner },
        idempotent: true,
      });
      const sns = (answer.response?.order_list ?? []).map((o) => o.order_sn);
      const more = answer.response?.more === true && Boolean(answer.response.next_cursor);
      // Windows are inclusive at both ends: the next one starts a second later so no order is read twice.
      const next = more ? `${from}:${end}:${answer.response?.next_cursor}` : to < end ? `${to + 1}:${end}:` : null;
      if (sns.length > 0 || next === null) return { items: await details(sns), nextCursor: next };
      ({ from, end, inner } = parseCursor(next)); // an empty window: go on to the next one in this call
    }
  }

  async function getOrder(channelId: string): Promise<Order | null> {
    if (!/^[A-Z0-9]{6,32}$/.test(channelId)) return null;
    try {
      return (await details([channelId]))[0] ?? null;
    } catch (error) {
      if (isConnectorError(error) && error.kind === 'not_found') return null;
      throw error;
    }
  }

  return { listOrders, getOrder };
}

import type { Order, Page } from '../../contracts/connectors.ts';
import { type TtsOrder, toOrder } from './mappers.ts';
import { PAGE_MAX } from './tts-catalog.ts';
import type { TtsSession } from './tts-session.ts';

/** `POST /order/202309/orders/search` (oldest update first, page_token, update_time_ge) and `GET /order/202309/orders?ids=`. */
export function orderMethods(session: TtsSession) {
  async function listOrders(options: { cursor?: string | null; limit?: number; updatedSince?: string } = {}): Promise<Page<Order>> {
    const answer = await session.request<{ orders?: TtsOrder[]; next_page_token?: string }>({
      method: 'POST',
      path: '/order/202309/orders/search',
      query: {
        page_size: Math.max(1, Math.min(options.limit ?? 50, PAGE_MAX)),
        page_token: options.cursor || undefined,
        sort_field: 'update_time',
        sort_order: 'ASC',
      },
      body: options.updatedSince ? { update_time_ge: Math.floor(Date.parse(options.updatedSince) / 1000) } : {},
      shop: true,
      idempotent: true,
    });
    return { items: (answer.orders ?? []).map(toOrder), nextCursor: answer.next_page_token || null };
  }

  async function getOrder(channelId: string): Promise<Order | null> {
    if (!/^\d+$/.test(channelId)) return null;
    const answer = await session.request<{ orders?: TtsOrder[] }>({ path: '/order/202309/orders', query: { ids: channelId }, shop: true, idempotent: true });
    const order = (answer.orders ?? []).find((o) => o.id === channelId);
    return order ? toOrder(order) : null;
  }

  return { listOrders, getOrder };
}

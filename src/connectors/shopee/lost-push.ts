import { createHttpClient } from '../sdk/http.ts';
import { shopeeBase, unixSeconds } from './oauth.ts';
import { remapHttpError, shopeeError } from './shopee-errors.ts';
import type { ShopeeConfig } from './shopee-schemas.ts';
import { signRequest } from './signing.ts';

/** One push message (live pushes and lost-push answers alike). */
export interface ShopeePushMessage {
  shop_id: number;
  code: number;
  timestamp: number;
  /** An object in live pushes, a JSON string in get_lost_push_message answers. */
  data: unknown;
}

export const LOST_PUSH_PATH = '/api/v2/push/get_lost_push_message';
export const CONFIRM_LOST_PUSH_PATH = '/api/v2/push/confirm_consumed_lost_push_message';

/**
 * Lost-push recovery (partner level, signed without token or shop): get_lost_push_message returns the pushes
 * Shopee could not deliver in the last days (a page at a time, with `last_message_id`), and
 * confirm_consumed_lost_push_message acknowledges everything up to that id so the next call moves on.
 */
export function createLostPushClient(input: {
  config: Pick<ShopeeConfig, 'apiBaseUrl'>;
  partnerId: number;
  partnerKey: string;
  fetch?: typeof fetch;
  now?: () => number;
}) {
  const http = createHttpClient({ baseUrl: shopeeBase(input.config), channel: 'Shopee', fetch: input.fetch, timeoutMs: 15_000 });
  const signed = (path: string) => {
    const timestamp = unixSeconds(input.now?.() ?? Date.now());
    return { partner_id: input.partnerId, timestamp, sign: signRequest(input.partnerKey, { partnerId: input.partnerId, path, timestamp }) };
  };
  async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    try {
      const answer = await http.request<{ error?: string; message?: string; request_id?: string; response?: T }>({
        method,
        path,
        query: signed(path),
        ...(body === undefined ? {} : { body }),
      });
      if (answer.body?.error) throw shopeeError(path, answer.body, answer.status);
      return answer.body?.response as T;
    } catch (error) {
      throw remapHttpError(error, path);
    }
  }
  return {
    fetch: () =>
      call<{ push_message_list?: ShopeePushMessage[]; has_next_page?: boolean; last_message_id?: number }>('GET', LOST_PUSH_PATH).then((r) => ({
        messages: r?.push_message_list ?? [],
        hasNextPage: r?.has_next_page === true,
        lastMessageId: r?.last_message_id ?? null,
      })),
    confirm: (lastMessageId: number) => call<unknown>('POST', CONFIRM_LOST_PUSH_PATH, { last_message_id: lastMessageId }),
  };
}

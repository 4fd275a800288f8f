import { z } from 'zod';
import type { EmuShop } from '../shop-state.ts';
import type { EmuRequest, EmuResponse, HandlerContext } from '../shopify/shopify-handler.ts';
import { authorize, checkRequest, token } from './tts-auth.ts';
import {
  createProduct,
  deleteProducts,
  getProduct,
  partialEdit,
  searchProducts,
  setStatus,
  updateInventory,
  updatePrices,
  type WriteContext,
} from './tts-products.ts';
import { envelope, ok, orderStatus, pageToken, readPageToken, renderOrder, seconds } from './tts-render.ts';
import { parseOrderId, ttsStateOf } from './tts-state.ts';

export interface TtsHandlerContext extends HandlerContext {
  notify(shop: EmuShop, eventType: string, data: Record<string, unknown>): void;
}

/** TikTok's rate limit per app, shop and endpoint (or per shop): HTTP 429 with code 36009002 beyond it. */
function rateLimit(shop: EmuShop, endpoint: string, nowMs: number): EmuResponse | null {
  const { limits } = ttsStateOf(shop);
  const key = limits.scope === 'shop' ? 'shop' : endpoint;
  const bucket = limits.buckets.get(key) ?? { tokens: limits.burst, at: nowMs };
  bucket.tokens = Math.min(limits.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * limits.requestsPerSecond);
  bucket.at = nowMs;
  limits.buckets.set(key, bucket);
  if (bucket.tokens < 1) {
    shop.stats.throttled++;
    shop.stats.http429++;
    return envelope(429, 36009002, "Too many requests. You've made too many requests in a short period of time.");
  }
  bucket.tokens -= 1;
  shop.stats.minBucketLevel = Math.min(shop.stats.minBucketLevel, bucket.tokens);
  return null;
}

const parseJson = (request: EmuRequest): unknown => {
  const text = request.body.toString('utf8');
  return text ? JSON.parse(text) : {};
};

function searchOrders(shop: EmuShop, query: URLSearchParams, body: unknown): EmuResponse {
  const filter = z
    .object({
      order_status: z.string().optional(),
      update_time_ge: z.number().optional(),
      update_time_lt: z.number().optional(),
      create_time_ge: z.number().optional(),
    })
    .safeParse(body ?? {});
  const size = Number(query.get('page_size'));
  const offset = readPageToken(query.get('page_token'));
  if (!filter.success || !Number.isInteger(size) || size < 1 || size > 100 || offset === null)
    return envelope(200, 36009004, 'Invalid request param: page_size, page_token or filters');
  const f = filter.data;
  const field = query.get('sort_field') === 'update_time' ? 'updatedAt' : 'createdAt';
  const direction = query.get('sort_order') === 'DESC' ? -1 : 1;
  const all = [...shop.orders.values()]
    .filter(
      (o) =>
        (f.update_time_ge === undefined || seconds(o.updatedAt) >= f.update_time_ge) &&
        (f.update_time_lt === undefined || seconds(o.updatedAt) < f.update_time_lt),
    )
    .filter((o) => f.create_time_ge === undefined || seconds(o.createdAt) >= f.create_time_ge)
    .sort((a, b) => direction * (a[field].localeCompare(b[field]) || a.id - b.id))
    .filter((o) => !f.order_status || orderStatus(o) === f.order_status);
  const next = offset + size < all.length ? pageToken(offset + size) : '';
  return ok({ orders: all.slice(offset, offset + size).map((o) => renderOrder(shop, o)), next_page_token: next, total_count: all.length });
}

function getOrders(shop: EmuShop, ids: string | null): EmuResponse {
  const list = (ids ?? '').split(',').filter(Boolean);
  if (list.length === 0 || list.length > 50) return envelope(200, 36009004, 'Invalid request param: ids (1-50 order ids)');
  const orders = list.flatMap((id) => {
    const numeric = parseOrderId(id);
    const order = numeric === null ? undefined : shop.orders.get(numeric);
    return order ? [renderOrder(shop, order)] : [];
  });
  return ok({ orders });
}

/** Routes one request below `/tiktokshop/<shop>`: authorization, token, shops, products, inventory, orders, webhooks. */
export async function handleTikTokShop(shop: EmuShop, request: EmuRequest, context: TtsHandlerContext): Promise<EmuResponse> {
  shop.stats.requests++;
  const { method, path } = request;
  const nowMs = context.now.getTime();
  if (method === 'GET' && path === '/open/authorize') return authorize(shop, request, nowMs);
  if (method === 'GET' && path === '/api/v2/token/get') return token(shop, request, 'get', nowMs);
  if (method === 'GET' && path === '/api/v2/token/refresh') return token(shop, request, 'refresh', nowMs);

  const fault = await context.apiFault(shop);
  if (fault) {
    if (fault.status === 429)
      return { ...envelope(429, 36009002, "Too many requests. You've made too many requests in a short period of time."), headers: fault.headers };
    return envelope(
      fault.status,
      36009003,
      'Internal error. Please try again. If the issue persists after multiple attempts, please contact platform support.',
    );
  }
  const shopScoped = path !== '/authorization/202309/shops';
  const refused = checkRequest(shop, request, nowMs, shopScoped);
  if (refused) return refused;
  const limited = rateLimit(shop, `${method} ${path.replace(/\/\d{19}\//, '/{id}/')}`, nowMs);
  if (limited) return limited;

  const state = ttsStateOf(shop);
  const write: WriteContext = {
    shop,
    now: context.now,
    dropWrite: () => {
      if (shop.faults.dropWrites <= 0) return false;
      shop.faults.dropWrites--;
      shop.stats.droppedWrites++;
      return true;
    },
    emit: (eventType, data) => context.notify(shop, eventType, data),
  };
  const lostAnswer = (answer: EmuResponse): EmuResponse => {
    const code = (answer.body as { code?: number } | undefined)?.code;
    if (answer.status >= 300 || code !== 0 || shop.faults.loseWriteAnswers <= 0) return answer;
    shop.faults.loseWriteAnswers--;
    shop.stats.http5xx++;
    return envelope(503, 36009003, 'Internal error. Please try again.');
  };

  if (method === 'GET' && path === '/authorization/202309/shops')
    return ok({
      shops: [{ id: state.shopId, name: shop.name, region: state.region, seller_type: 'LOCAL', cipher: state.cipher, code: shop.shop.toUpperCase() }],
    });
  if (method === 'GET' && path === '/logistics/202309/warehouses')
    return ok({ warehouses: [{ id: state.warehouseId, name: 'Main warehouse', effect_status: 'ENABLED', type: 'SALES_WAREHOUSE', is_default: true }] });
  if (method === 'PUT' && path === '/event/202309/webhooks') {
    const parsed = z.object({ address: z.url(), event_type: z.string().regex(/^[A-Z_]+$/) }).safeParse(parseJson(request));
    if (!parsed.success) return envelope(200, 36009004, 'Invalid request param: address, event_type');
    state.webhooks.set(parsed.data.event_type, parsed.data.address);
    return ok({});
  }
  if (method === 'GET' && path === '/event/202309/webhooks')
    return ok({
      webhooks: [...state.webhooks].map(([event_type, address]) => ({ event_type, address, update_time: Math.floor(nowMs / 1000) })),
      total_count: state.webhooks.size,
    });

  const P = '/product/202309/products';
  if (method === 'POST' && path === `${P}/search`) return searchProducts(shop, request.query, parseJson(request));
  if (method === 'POST' && path === P) return lostAnswer(createProduct(write, parseJson(request)));
  if (method === 'DELETE' && path === P) return lostAnswer(deleteProducts(write, parseJson(request)));
  if (method === 'POST' && (path === `${P}/activate` || path === `${P}/deactivate`))
    return lostAnswer(setStatus(write, parseJson(request), path.endsWith('/activate')));
  const product = /^\/product\/202309\/products\/(\d+)(\/partial_edit|\/prices\/update|\/inventory\/update)?$/.exec(path);
  if (product) {
    const id = product[1] as string;
    if (!product[2] && method === 'GET') return getProduct(shop, id);
    if (product[2] === '/partial_edit' && method === 'POST') return lostAnswer(partialEdit(write, id, parseJson(request)));
    if (product[2] === '/prices/update' && method === 'POST') return lostAnswer(updatePrices(write, id, parseJson(request)));
    if (product[2] === '/inventory/update' && method === 'POST') return lostAnswer(updateInventory(write, id, parseJson(request)));
  }
  if (method === 'POST' && path === '/order/202309/orders/search') return searchOrders(shop, request.query, parseJson(request));
  if (method === 'GET' && path === '/order/202309/orders') return getOrders(shop, request.query.get('ids'));
  return envelope(404, 36009004, `Invalid path: ${method} ${path}`);
}

import type { EmuShop } from '../shop-state.ts';
import type { EmuRequest, EmuResponse, HandlerContext } from '../shopify/shopify-handler.ts';
import { takeToken } from '../token-bucket.ts';
import { authorize, checkBearer, token } from './ml-auth.ts';
import { createItem, getDescription, getItem, type ItemWriteContext, multiget, putDescription, updateItem } from './ml-items.ts';
import { mlError } from './ml-render.ts';
import { getOrder, searchItems, searchOrders } from './ml-search.ts';
import { mlStateOf } from './ml-state.ts';

export interface MlHandlerContext extends HandlerContext {
  notify(shop: EmuShop, topic: string, resource: string): void;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse => ({ status, body, headers });

/** The route an ML limit applies to: method + path with ids replaced (`GET /items/:id`). */
export function endpointKey(method: string, path: string): string {
  return `${method} ${path.replace(/\/MLB\d+/g, '/:id').replace(/\/\d+/g, '/:id')}`;
}

/** Per seller and endpoint token bucket; beyond it ML answers 429 (the emulator adds Retry-After). */
function rateLimit(shop: EmuShop, key: string, nowMs: number): EmuResponse | null {
  const { limits } = mlStateOf(shop);
  if (limits.scope === 'seller') key = 'seller';
  const waitS = takeToken(shop, limits.buckets, key, { rate: limits.requestsPerSecond, burst: limits.burst }, nowMs);
  if (waitS === null) return null;
  return json(429, mlError(429, 'too_many_requests', `Too many requests for ${key}`), limits.sendRetryAfter ? { 'retry-after': waitS.toFixed(2) } : {});
}

function parseBody(request: EmuRequest): unknown {
  const text = request.body.toString('utf8');
  return text ? JSON.parse(text) : {};
}

/** Routes one request below `/mercadolivre/<seller>`: auth, `/users/me`, items, searches, orders. */
export async function handleMercadoLivre(shop: EmuShop, request: EmuRequest, context: MlHandlerContext): Promise<EmuResponse> {
  shop.stats.requests++;
  const { method, path } = request;
  if (method === 'GET' && path === '/authorization') return authorize(shop, request, context);
  if (method === 'POST' && path === '/oauth/token') return token(shop, request, context);

  const fault = await context.apiFault(shop);
  if (fault) {
    if (fault.status === 429) return { ...fault, body: mlError(429, 'too_many_requests', 'Too many requests') };
    return { ...fault, body: mlError(fault.status, 'service_unavailable', 'Service unavailable') };
  }
  const unauthorized = checkBearer(shop, request, context);
  if (unauthorized) return unauthorized;
  const limited = rateLimit(shop, endpointKey(method, path), Date.now());
  if (limited) return limited;

  const state = mlStateOf(shop);
  const write: ItemWriteContext = {
    shop,
    now: context.now,
    dropWrite: () => {
      if (shop.faults.dropWrites <= 0) return false;
      shop.faults.dropWrites--;
      shop.stats.droppedWrites++;
      return true;
    },
    notify: (topic, resource) => context.notify(shop, topic, resource),
  };
  const lostAnswer = (answer: EmuResponse): EmuResponse => {
    if (answer.status >= 300 || shop.faults.loseWriteAnswers <= 0) return answer;
    shop.faults.loseWriteAnswers--;
    shop.stats.http5xx++;
    return json(503, mlError(503, 'service_unavailable', 'Service unavailable'));
  };

  if (method === 'GET' && path === '/users/me')
    return json(200, { id: state.userId, nickname: state.nickname, site_id: state.siteId, country_id: 'BR', first_name: shop.name, user_type: 'normal' });
  if (method === 'GET' && path === '/items') return multiget(shop, request.query.get('ids'));
  if (method === 'POST' && path === '/items') return lostAnswer(createItem(write, parseBody(request)));
  const item = /^\/items\/(MLB\d+)(\/description)?$/.exec(path);
  if (item) {
    const id = item[1] as string;
    if (item[2]) {
      if (method === 'GET') return getDescription(shop, id);
      if (method === 'PUT') return lostAnswer(putDescription(write, id, parseBody(request)));
    } else {
      if (method === 'GET') return getItem(shop, id);
      if (method === 'PUT') return lostAnswer(updateItem(write, id, parseBody(request)));
    }
    return json(405, mlError(405, 'method_not_allowed', 'Method not allowed'));
  }
  const search = /^\/users\/(\d+)\/items\/search$/.exec(path);
  if (search && method === 'GET') return searchItems(shop, search[1] as string, request.query, context.now.getTime());
  if (method === 'GET' && path === '/orders/search') return searchOrders(shop, request.query);
  const order = /^\/orders\/(\d+)$/.exec(path);
  if (order && method === 'GET') return getOrder(shop, order[1] as string);
  return json(404, mlError(404, 'not_found', `Resource ${path} not found`));
}

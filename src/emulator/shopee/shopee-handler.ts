import type { EmuShop } from '../shop-state.ts';
import type { EmuRequest, EmuResponse, HandlerContext } from '../shopify/shopify-handler.ts';
import {
  addItem,
  deleteItem,
  getItemBaseInfo,
  getItemList,
  getModelList,
  getOrderDetail,
  getOrderList,
  initTierVariation,
  ok,
  type ShopeeWrite,
  searchItem,
  updateItem,
  updateModels,
} from './shopee-api.ts';
import { authPartner, checkSigned, shopeeFail, tokenEndpoint } from './shopee-auth.ts';
import { type ShopeeState, shopeeStateOf } from './shopee-state.ts';

const LOST_PUSH_PAGE = 100;

/** One bucket per partner app and shop; beyond it Shopee answers HTTP 429 with `error_busy` (no limit headers). */
function rateLimit(shop: EmuShop, state: ShopeeState, nowMs: number): EmuResponse | null {
  const limits = state.limits;
  limits.tokens = Math.min(limits.burst, limits.tokens + ((nowMs - limits.at) / 1000) * limits.requestsPerSecond);
  limits.at = nowMs;
  if (limits.tokens < 1) {
    shop.stats.throttled++;
    shop.stats.http429++;
    return shopeeFail(429, 'error_busy', 'The request is too frequent, please try again later.');
  }
  limits.tokens -= 1;
  shop.stats.minBucketLevel = Math.min(shop.stats.minBucketLevel, limits.tokens);
  return null;
}

function jsonBody(request: EmuRequest): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(request.body.toString('utf8') || '{}');
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

function lostPush(state: ShopeeState, request: EmuRequest): EmuResponse {
  if (request.method === 'GET') {
    const page = state.lostPushes.slice(0, LOST_PUSH_PAGE);
    return ok({
      push_message_list: page.map(({ id: _id, ...message }) => message),
      has_next_page: state.lostPushes.length > page.length,
      last_message_id: page.at(-1)?.id ?? 0,
    });
  }
  const last = Number(jsonBody(request)?.last_message_id);
  if (!Number.isInteger(last) || last < 0) return shopeeFail(400, 'error_param', 'last_message_id is required');
  state.lostPushes = state.lostPushes.filter((m) => m.id > last);
  return ok({});
}

/** Routes one request below `/shopee/<shop>`: auth, lost pushes, then signed shop calls (faults, sign, limits). */
export async function handleShopee(shop: EmuShop, request: EmuRequest, context: HandlerContext): Promise<EmuResponse> {
  shop.stats.requests++;
  const state = shopeeStateOf(shop);
  const nowMs = context.now.getTime();
  const { method, path } = request;
  if (method === 'GET' && path === '/api/v2/shop/auth_partner') return authPartner(shop, request, nowMs);
  if (method === 'POST' && path === '/api/v2/auth/token/get') return tokenEndpoint(shop, request, nowMs, 'code');
  if (method === 'POST' && path === '/api/v2/auth/access_token/get') return tokenEndpoint(shop, request, nowMs, 'refresh');
  if (path === '/api/v2/push/get_lost_push_message' || path === '/api/v2/push/confirm_consumed_lost_push_message') {
    return checkSigned(shop, request, nowMs, { shop: false }) ?? lostPush(state, request);
  }

  const fault = await context.apiFault(shop);
  if (fault) {
    if (fault.status === 429) return { ...shopeeFail(429, 'error_busy', 'The request is too frequent, please try again later.'), headers: fault.headers };
    return shopeeFail(fault.status, 'error_server', 'Internal server error, please try again later.');
  }
  const refused = checkSigned(shop, request, nowMs, { shop: true });
  if (refused) return refused;
  const limited = rateLimit(shop, state, Date.now());
  if (limited) return limited;

  const write: ShopeeWrite = {
    shop,
    state,
    now: context.now,
    drop: () => {
      if (shop.faults.dropWrites <= 0) return false;
      shop.faults.dropWrites--;
      shop.stats.droppedWrites++;
      return true;
    },
  };
  const lostAnswer = (answer: EmuResponse): EmuResponse => {
    if (answer.status >= 300 || shop.faults.loseWriteAnswers <= 0) return answer;
    shop.faults.loseWriteAnswers--;
    shop.stats.http5xx++;
    return shopeeFail(503, 'error_server', 'Service unavailable');
  };
  const q = request.query;
  if (method === 'GET') {
    switch (path) {
      case '/api/v2/shop/get_shop_info':
        return { status: 200, body: { shop_name: shop.name, region: state.region, status: 'NORMAL', is_cb: false, error: '', message: '', request_id: '' } };
      case '/api/v2/product/get_item_list':
        return getItemList(shop, q);
      case '/api/v2/product/get_item_base_info':
        return getItemBaseInfo(shop, state, q);
      case '/api/v2/product/get_model_list':
        return getModelList(shop, state, q);
      case '/api/v2/product/search_item':
        return searchItem(shop, state, q);
      case '/api/v2/order/get_order_list':
        return getOrderList(shop, q);
      case '/api/v2/order/get_order_detail':
        return getOrderDetail(shop, state, q);
    }
  }
  if (method === 'POST') {
    const body = jsonBody(request);
    if (!body) return shopeeFail(400, 'error_param', 'Invalid JSON body');
    switch (path) {
      case '/api/v2/product/add_item':
        return lostAnswer(addItem(write, body));
      case '/api/v2/product/init_tier_variation':
        return lostAnswer(initTierVariation(write, body));
      case '/api/v2/product/update_item':
        return lostAnswer(updateItem(write, body));
      case '/api/v2/product/delete_item':
        return lostAnswer(deleteItem(write, body));
      case '/api/v2/product/update_stock':
        return lostAnswer(updateModels(write, body, 'stock'));
      case '/api/v2/product/update_price':
        return lostAnswer(updateModels(write, body, 'price'));
    }
  }
  return shopeeFail(404, 'error_not_found', `No API ${method} ${path}`);
}

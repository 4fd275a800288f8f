import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EmuShop } from '../shop-state.ts';
import type { EmuRequest, EmuResponse } from '../shopify/shopify-handler.ts';
import { issueShopeeTokens, type ShopeeState, shopeeStateOf } from './shopee-state.ts';

/**
 * Shopee Open Platform v2 authentication as documented: every call carries `partner_id`, `timestamp` and
 * `sign` (hex HMAC-SHA256 with the partner key over partner_id + path + timestamp, plus access_token + shop_id
 * for shop calls); a timestamp more than 5 minutes off is refused. Errors are `{ error, message, request_id }`.
 */
export const requestId = () => randomBytes(16).toString('hex');
export const shopeeFail = (status: number, error: string, message: string): EmuResponse => ({
  status,
  body: { error, message, request_id: requestId() },
});

const hmacHex = (key: string, text: string) => createHmac('sha256', key).update(text).digest('hex');
const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Checks partner_id, timestamp and sign; with `shop: true` also access_token (known, not expired) and shop_id. */
export function checkSigned(shop: EmuShop, request: EmuRequest, nowMs: number, scope: { shop: boolean }): EmuResponse | null {
  const state = shopeeStateOf(shop);
  const q = request.query;
  const partnerId = q.get('partner_id');
  const timestamp = Number(q.get('timestamp'));
  const sign = q.get('sign') ?? '';
  if (!partnerId || !q.get('timestamp') || !sign) return shopeeFail(400, 'error_param', 'partner_id, timestamp and sign are required');
  if (partnerId !== String(state.partnerId)) return shopeeFail(403, 'error_auth', 'Invalid partner_id.');
  if (!Number.isInteger(timestamp) || Math.abs(nowMs / 1000 - timestamp) > 300) return shopeeFail(403, 'error_param', 'Invalid timestamp.');
  const token = q.get('access_token') ?? '';
  const shopId = q.get('shop_id') ?? '';
  const base = `${partnerId}${request.path}${q.get('timestamp')}${scope.shop ? `${token}${shopId}` : ''}`;
  if (!sameHex(hmacHex(state.partnerKey, base), sign)) return shopeeFail(403, 'error_sign', 'Wrong sign.');
  if (!scope.shop) return null;
  if (shopId !== String(state.shopId)) return shopeeFail(403, 'error_auth', 'Invalid shop_id.');
  const known = state.accessTokens.get(token);
  if (!known || known.expiresAt <= nowMs || shop.faults.tokenExpired) {
    shop.stats.unauthorized++;
    return shopeeFail(403, 'invalid_acceess_token', 'Invalid access_token.');
  }
  return null;
}

/** `GET /api/v2/shop/auth_partner`: the seller approves at once here; redirects with code (10 min, single use) and shop_id. */
export function authPartner(shop: EmuShop, request: EmuRequest, nowMs: number): EmuResponse {
  const refused = checkSigned(shop, request, nowMs, { shop: false });
  if (refused) return refused;
  const redirect = request.query.get('redirect');
  if (!redirect || !/^https?:\/\//.test(redirect)) return shopeeFail(400, 'error_param', 'redirect is required');
  const state = shopeeStateOf(shop);
  const code = randomBytes(16).toString('hex');
  state.codes.set(code, { expiresAt: nowMs + 10 * 60_000 });
  const location = new URL(redirect);
  location.searchParams.set('code', code);
  location.searchParams.set('shop_id', String(state.shopId));
  return { status: 302, headers: { location: location.toString() }, body: '' };
}

function readJson(request: EmuRequest): Record<string, unknown> | null {
  try {
    const parsed = JSON.parse(request.body.toString('utf8') || '{}');
    return parsed && typeof parsed === 'object' ? parsed : null;
  } catch {
    return null;
  }
}

/** `POST /api/v2/auth/token/get` (code) and `POST /api/v2/auth/access_token/get` (refresh_token, rotates). */
export function tokenEndpoint(shop: EmuShop, request: EmuRequest, nowMs: number, grant: 'code' | 'refresh'): EmuResponse {
  const refused = checkSigned(shop, request, nowMs, { shop: false });
  if (refused) return refused;
  const state: ShopeeState = shopeeStateOf(shop);
  const body = readJson(request);
  if (!body) return shopeeFail(400, 'error_param', 'Invalid JSON body');
  if (String(body.shop_id) !== String(state.shopId)) return shopeeFail(403, 'error_auth', 'Invalid shop_id.');
  if (grant === 'code') {
    const code = typeof body.code === 'string' ? state.codes.get(body.code) : undefined;
    if (!code || code.expiresAt < nowMs) return shopeeFail(403, 'error_auth', 'Invalid code.');
    state.codes.delete(body.code as string);
  } else if (body.refresh_token !== state.refreshToken.token || state.refreshToken.expiresAt < nowMs) {
    return shopeeFail(403, 'error_auth', 'Invalid refresh_token.');
  }
  const tokens = issueShopeeTokens(state, nowMs);
  return {
    status: 200,
    body: { ...tokens, partner_id: state.partnerId, shop_id: state.shopId, error: '', message: '', request_id: requestId() },
  };
}

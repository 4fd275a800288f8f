import { randomBytes } from 'node:crypto';
import { hmacSha256 } from '../../lib/crypto.ts';
import type { EmuShop } from '../shop-state.ts';
import type { EmuRequest, EmuResponse } from '../shopify/shopify-handler.ts';
import { envelope, ok } from './tts-render.ts';
import { issueTtsTokens, ttsStateOf } from './tts-state.ts';

/**
 * TikTok Shop authorization as documented: the service link `/open/authorize` sends the seller back to the app's
 * redirect URL with `code` and `state`; `GET /api/v2/token/get?app_key&app_secret&auth_code&grant_type=authorized_code`
 * and `/api/v2/token/refresh?…&refresh_token&grant_type=refresh_token` answer tokens with their expiry as Unix
 * timestamps. Codes are single use, 10 minutes.
 */
export function authorize(shop: EmuShop, request: EmuRequest, nowMs: number): EmuResponse {
  const state = ttsStateOf(shop);
  if (!state.redirectUri) return envelope(400, 36009004, 'The app has no redirect URL configured');
  if (request.query.get('app_key') !== state.appKey && !request.query.get('service_id')) return envelope(400, 36009004, 'Invalid app_key or service_id');
  const code = `ROW_${randomBytes(16).toString('base64url')}`;
  state.codes.set(code, nowMs + 10 * 60_000);
  const location = new URL(state.redirectUri);
  location.searchParams.set('app_key', state.appKey);
  location.searchParams.set('code', code);
  location.searchParams.set('locale', 'en');
  location.searchParams.set('shop_region', state.region);
  const callerState = request.query.get('state');
  if (callerState !== null) location.searchParams.set('state', callerState);
  return { status: 302, headers: { location: location.toString() }, body: '' };
}

export function token(shop: EmuShop, request: EmuRequest, kind: 'get' | 'refresh', nowMs: number): EmuResponse {
  const state = ttsStateOf(shop);
  const q = request.query;
  if (q.get('app_key') !== state.appKey || q.get('app_secret') !== state.appSecret) return envelope(200, 36004004, 'Invalid app_key or app_secret');
  if (kind === 'get') {
    const code = q.get('auth_code') ?? '';
    const expires = state.codes.get(code);
    if (q.get('grant_type') !== 'authorized_code' || expires === undefined || expires < nowMs)
      return envelope(200, 36004005, 'The auth_code is invalid or expired');
    state.codes.delete(code);
    return ok(issueTtsTokens(state, nowMs));
  }
  const refresh = q.get('refresh_token') ?? '';
  const expires = state.refreshTokens.get(refresh);
  if (q.get('grant_type') !== 'refresh_token' || expires === undefined || expires < nowMs)
    return envelope(200, 36004006, 'The refresh_token is invalid or expired');
  return ok(issueTtsTokens(state, nowMs, refresh));
}

/** `sign` as TikTok computes it (written here from the documentation, not shared with the connector). */
function expectedSign(secret: string, path: string, query: URLSearchParams, body: Buffer, contentType: string): string {
  const keys = [...new Set(query.keys())].filter((k) => k !== 'sign' && k !== 'access_token').sort();
  let text = path;
  for (const key of keys) text += key + (query.get(key) ?? '');
  if (!contentType.toLowerCase().startsWith('multipart/form-data')) text += body.toString('utf8');
  return hmacSha256(secret, secret + text + secret).toString('hex');
}

/**
 * The checks every API call passes, in TikTok's order and with its codes: app_key (36009004), timestamp within
 * 5 minutes before / 30 s after now (36009004), sign (106001, HTTP 401), x-tts-access-token (105001 invalid,
 * 105002 expired, HTTP 401), shop_cipher on shop-scoped paths (106013).
 */
export function checkRequest(shop: EmuShop, request: EmuRequest, nowMs: number, shopScoped: boolean): EmuResponse | null {
  const state = ttsStateOf(shop);
  const q = request.query;
  if (q.get('app_key') !== state.appKey) return envelope(401, 36009004, 'Invalid credentials. Invalid `app_key` query parameter.');
  const timestamp = Number(q.get('timestamp'));
  if (!/^\d{10}$/.test(q.get('timestamp') ?? '') || timestamp * 1000 < nowMs - 300_000 || timestamp * 1000 > nowMs + 30_000)
    return envelope(401, 36009004, 'Invalid timestamp. The `timestamp` query parameter must be within 5 minutes of the current time.');
  const sign = q.get('sign') ?? '';
  const expected = expectedSign(state.appSecret, request.path, q, request.body, String(request.headers['content-type'] ?? ''));
  if (sign !== expected) return envelope(401, 106001, 'Invalid credentials. The `sign` query parameter is invalid.');
  const tokenHeader = request.headers['x-tts-access-token'];
  const accessToken = Array.isArray(tokenHeader) ? tokenHeader[0] : tokenHeader;
  const expiresAt = accessToken ? state.accessTokens.get(accessToken) : undefined;
  if (expiresAt === undefined) {
    shop.stats.unauthorized++;
    return envelope(401, 105001, 'Invalid credentials. The `x-tts-access-token` header is invalid.');
  }
  if (expiresAt <= nowMs || shop.faults.tokenExpired) {
    shop.stats.unauthorized++;
    return envelope(401, 105002, 'Expired credentials. The `x-tts-access-token` header has expired.');
  }
  if (shopScoped && q.get('shop_cipher') !== state.cipher)
    return envelope(200, 106013, 'Missing identifier. The `shop_cipher` query parameter is required to identify the target shop.');
  return null;
}

import { randomBytes } from 'node:crypto';
import type { EmuShop } from '../shop-state.ts';
import type { EmuRequest, EmuResponse, HandlerContext } from '../shopify/shopify-handler.ts';
import { mlError } from './ml-render.ts';
import { issueTokens, type MlState, mlStateOf } from './ml-state.ts';

/**
 * Mercado Livre OAuth 2 as documented: `GET /authorization?response_type=code&client_id&redirect_uri&state`
 * (auth.mercadolivre.com.br; the seller approves at once here) redirects back with `code` (TG-…, single use,
 * 10 minutes) and `state`; `POST /oauth/token` (form or JSON) exchanges `authorization_code` or
 * `refresh_token`. Every refresh issues a new refresh token and retires the previous one, which then
 * answers `invalid_grant`.
 */
const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse => ({ status, body, headers });

export function authorize(shop: EmuShop, request: EmuRequest, context: HandlerContext): EmuResponse {
  const state = mlStateOf(shop);
  const redirectUri = request.query.get('redirect_uri');
  if (request.query.get('response_type') !== 'code') return json(400, mlError(400, 'invalid_request', 'response_type must be code'));
  if (request.query.get('client_id') !== state.clientId) return json(400, mlError(400, 'invalid_client', 'invalid client_id'));
  if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return json(400, mlError(400, 'invalid_request', 'invalid redirect_uri'));
  const code = `TG-${randomBytes(12).toString('hex')}-${state.userId}`;
  state.codes.set(code, { expiresAt: context.now.getTime() + 10 * 60_000, redirectUri });
  const location = new URL(redirectUri);
  location.searchParams.set('code', code);
  const callerState = request.query.get('state');
  if (callerState !== null) location.searchParams.set('state', callerState);
  return { status: 302, headers: { location: location.toString() }, body: '' };
}

const invalidGrant = () =>
  json(400, mlError(400, 'invalid_grant', 'Error validating grant. Your authorization code or refresh token may be expired or it was already used'));

function readForm(request: EmuRequest): Record<string, unknown> | null {
  const type = String(request.headers['content-type'] ?? '');
  const text = request.body.toString('utf8');
  try {
    return type.includes('json') ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
  } catch {
    return null;
  }
}

export function token(shop: EmuShop, request: EmuRequest, context: HandlerContext): EmuResponse {
  const state: MlState = mlStateOf(shop);
  const fields = readForm(request);
  if (!fields) return json(400, mlError(400, 'invalid_request', 'malformed body'));
  if (fields.client_id !== state.clientId || fields.client_secret !== state.clientSecret)
    return json(401, mlError(401, 'invalid_client', 'invalid client_id or client_secret'));
  const now = context.now.getTime();
  if (fields.grant_type === 'authorization_code') {
    const grant = typeof fields.code === 'string' ? state.codes.get(fields.code) : undefined;
    if (!grant || grant.expiresAt < now) return invalidGrant();
    if (fields.redirect_uri !== grant.redirectUri) return invalidGrant();
    state.codes.delete(fields.code as string);
  } else if (fields.grant_type === 'refresh_token') {
    if (typeof fields.refresh_token !== 'string' || fields.refresh_token !== state.refreshToken) return invalidGrant();
  } else {
    return json(400, mlError(400, 'unsupported_grant_type', 'grant_type must be authorization_code or refresh_token'));
  }
  const tokens = issueTokens(state, now);
  return json(200, { ...tokens, token_type: 'Bearer', scope: 'offline_access read write', user_id: state.userId });
}

/** 401 unless the Bearer token is one the emulator issued, not expired (and no tokenExpired fault). */
export function checkBearer(shop: EmuShop, request: EmuRequest, context: HandlerContext): EmuResponse | null {
  const state = mlStateOf(shop);
  const header = String(request.headers.authorization ?? '');
  const bearer = /^Bearer (\S+)$/i.exec(header)?.[1];
  const known = bearer ? state.accessTokens.get(bearer) : undefined;
  if (!known || known.expiresAt <= context.now.getTime() || shop.faults.tokenExpired) {
    shop.stats.unauthorized++;
    return json(401, mlError(401, 'unauthorized', 'invalid access token'));
  }
  return null;
}

import type { EmuShop } from '../shop-state.ts';
import type { EmuRequest, EmuResponse, HandlerContext } from '../shopify/shopify-handler.ts';
import { takeToken } from '../token-bucket.ts';
import { createDocument, createFeed, getFeed, getFeedDocument, s3 } from './amazon-feeds.ts';
import { deleteItem, getItem, type ListingsContext, patchBodySchema, patchItem, putBodySchema, putItem, searchItems, spError } from './amazon-listings.ts';
import { getOrder, searchOrders } from './amazon-orders.ts';
import { type AmazonState, amazonStateOf, issueAccessToken } from './amazon-state.ts';

/**
 * Routes one request below `/amazon/<shop>`: the LWA token endpoint (`/auth/o2/token`), the emulator's
 * "S3" for feed documents (`/_s3/<documentId>`, presigned) and the SP-API operations, each with its own
 * token bucket (429 `QuotaExceeded`, `x-amzn-RateLimit-Limit` on every answer), the `x-amz-access-token`
 * check (403 `Unauthorized` as SP-API answers, "The access token you provided has expired") and the faults.
 */
const LISTINGS = '/listings/2021-08-01/items/';

interface Route {
  operation: string;
  run(): EmuResponse;
}

function form(request: EmuRequest): URLSearchParams {
  const type = String(request.headers['content-type'] ?? '');
  const text = request.body.toString('utf8');
  if (type.includes('json')) {
    try {
      return new URLSearchParams(Object.entries(JSON.parse(text) as Record<string, string>));
    } catch {
      return new URLSearchParams();
    }
  }
  return new URLSearchParams(text);
}

/** POST /auth/o2/token, grant_type=refresh_token (Login with Amazon). */
function lwaToken(shop: EmuShop, state: AmazonState, request: EmuRequest, nowMs: number): EmuResponse {
  const body = form(request);
  const lwaError = (status: number, error: string, description: string): EmuResponse => ({ status, body: { error_description: description, error } });
  if (body.get('grant_type') !== 'refresh_token')
    return lwaError(400, 'unsupported_grant_type', 'The authorization grant type is not supported by the authorization server');
  if (body.get('client_id') !== state.clientId || body.get('client_secret') !== state.clientSecret)
    return lwaError(401, 'invalid_client', 'Client authentication failed');
  const refresh = body.get('refresh_token') ?? '';
  if (refresh !== state.refreshToken || state.revokedRefreshTokens.has(refresh))
    return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
  shop.stats.requests++;
  const issued = issueAccessToken(state, nowMs);
  return { status: 200, body: { access_token: issued.access_token, refresh_token: state.refreshToken, token_type: 'bearer', expires_in: issued.expires_in } };
}

function checkToken(shop: EmuShop, state: AmazonState, request: EmuRequest, nowMs: number): EmuResponse | null {
  const token = request.headers['x-amz-access-token'];
  const known = typeof token === 'string' ? state.accessTokens.get(token) : undefined;
  const denied = (details: string) => {
    shop.stats.unauthorized++;
    return spError(403, 'Unauthorized', 'Access to requested resource is denied.', details);
  };
  if (!known) return denied('');
  if (shop.faults.tokenExpired || known.expiresAt <= nowMs) return denied('The access token you provided has expired.');
  return null;
}

/** Per seller and operation, as SP-API's usage plans: rate per second, burst. */
function rateLimit(shop: EmuShop, state: AmazonState, operation: string, nowMs: number): EmuResponse | null {
  const limit = state.limits[operation] ?? { rate: 1, burst: 1 };
  if (takeToken(shop, state.buckets, operation, limit, nowMs) === null) return null;
  return { ...spError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.'), headers: { 'x-amzn-ratelimit-limit': String(limit.rate) } };
}

function parseJson(request: EmuRequest): unknown {
  const text = request.body.toString('utf8');
  return text ? JSON.parse(text) : {};
}

function route(shop: EmuShop, state: AmazonState, request: EmuRequest, listings: ListingsContext, baseUrl: string): Route | EmuResponse {
  const { method, path, query } = request;
  if (path.startsWith(LISTINGS)) {
    const [sellerId, rawSku, ...rest] = path.slice(LISTINGS.length).split('/');
    if (rest.length > 0 || !sellerId) return spError(404, 'NotFound', `Resource ${path} not found`);
    if (sellerId !== state.sellerId)
      return spError(403, 'Unauthorized', 'Access to requested resource is denied.', 'The sellerId does not match the authorization');
    const marketplaces = (query.get('marketplaceIds') ?? '').split(',');
    if (!marketplaces.includes(state.marketplaceId))
      return spError(400, 'InvalidInput', `Invalid or missing marketplaceIds (the seller sells in ${state.marketplaceId})`);
    if (rawSku === undefined || rawSku === '') {
      if (method === 'GET') return { operation: 'searchListingsItems', run: () => searchItems(listings, query) };
      return spError(405, 'MethodNotAllowed', 'Method not allowed');
    }
    const sku = decodeURIComponent(rawSku);
    if (method === 'GET') return { operation: 'getListingsItem', run: () => getItem(listings, sku, query) };
    if (method === 'PUT') {
      return {
        operation: 'putListingsItem',
        run: () => {
          const body = putBodySchema.safeParse(parseJson(request));
          return body.success
            ? { status: 200, body: putItem(listings, sku, body.data) }
            : spError(400, 'InvalidInput', body.error.issues[0]?.message ?? 'Invalid body');
        },
      };
    }
    if (method === 'PATCH') {
      return {
        operation: 'patchListingsItem',
        run: () => {
          const body = patchBodySchema.safeParse(parseJson(request));
          return body.success
            ? { status: 200, body: patchItem(listings, sku, body.data) }
            : spError(400, 'InvalidInput', body.error.issues[0]?.message ?? 'Invalid body');
        },
      };
    }
    if (method === 'DELETE') return { operation: 'deleteListingsItem', run: () => deleteItem(listings, sku) };
    return spError(405, 'MethodNotAllowed', 'Method not allowed');
  }
  if (method === 'POST' && path === '/feeds/2021-06-30/documents')
    return { operation: 'createFeedDocument', run: () => createDocument(listings, baseUrl, parseJson(request)) };
  if (method === 'POST' && path === '/feeds/2021-06-30/feeds') return { operation: 'createFeed', run: () => createFeed(listings, parseJson(request)) };
  const feed = /^\/feeds\/2021-06-30\/feeds\/(\d+)$/.exec(path);
  if (feed && method === 'GET') return { operation: 'getFeed', run: () => getFeed(listings, feed[1] as string) };
  const document = /^\/feeds\/2021-06-30\/documents\/([^/]+)$/.exec(path);
  if (document && method === 'GET')
    return { operation: 'getFeedDocument', run: () => getFeedDocument(listings, baseUrl, decodeURIComponent(document[1] as string)) };
  if (method === 'GET' && path === '/orders/2026-01-01/orders') return { operation: 'searchOrders', run: () => searchOrders(shop, state, query) };
  const order = /^\/orders\/2026-01-01\/orders\/([^/]+)$/.exec(path);
  if (order && method === 'GET') return { operation: 'getOrder', run: () => getOrder(shop, state, decodeURIComponent(order[1] as string), query) };
  if (method === 'GET' && path === '/sellers/v1/marketplaceParticipations')
    return {
      operation: 'getMarketplaceParticipations',
      run: () => ({
        status: 200,
        body: {
          payload: [
            {
              marketplace: {
                id: state.marketplaceId,
                name: shop.name,
                countryCode: 'BR',
                defaultCurrencyCode: shop.currency,
                defaultLanguageCode: 'pt_BR',
                domainName: 'www.amazon.com.br',
              },
              participation: { isParticipating: true, hasSuspendedListings: false },
              storeName: shop.name,
            },
          ],
        },
      }),
    };
  return spError(404, 'NotFound', `Resource ${path} not found`);
}

export async function handleAmazon(shop: EmuShop, request: EmuRequest, context: HandlerContext): Promise<EmuResponse> {
  const state = amazonStateOf(shop);
  const nowMs = context.now.getTime();
  if (request.method === 'POST' && request.path === '/auth/o2/token') return lwaToken(shop, state, request, nowMs);
  const listings: ListingsContext = {
    shop,
    state,
    now: context.now,
    dropWrite: () => {
      if (shop.faults.dropWrites <= 0) return false;
      shop.faults.dropWrites--;
      shop.stats.droppedWrites++;
      return true;
    },
  };
  const s3Path = /^\/_s3\/([^/]+)$/.exec(request.path);
  if (s3Path) return s3(listings, request.method, decodeURIComponent(s3Path[1] as string), request.query, request.body);

  shop.stats.requests++;
  const fault = await context.apiFault(shop);
  if (fault) {
    if (fault.status === 429) return spError(429, 'QuotaExceeded', 'You exceeded your quota for the requested resource.');
    return spError(fault.status, 'ServiceUnavailable', 'Service temporarily unavailable. Please try again later.');
  }
  const unauthorized = checkToken(shop, state, request, nowMs);
  if (unauthorized) return unauthorized;
  const found = route(shop, state, request, listings, context.baseUrl);
  if (!('operation' in found)) return found;
  const limited = rateLimit(shop, state, found.operation, Date.now());
  if (limited) return limited;
  const headers = { 'x-amzn-ratelimit-limit': String(state.limits[found.operation]?.rate ?? 1), 'x-amzn-requestid': `${state.nextNumber()}` };
  const answer = found.run();
  const isWrite = request.method !== 'GET' && answer.status < 300;
  if (isWrite && shop.faults.loseWriteAnswers > 0) {
    shop.faults.loseWriteAnswers--;
    shop.stats.http5xx++;
    return spError(503, 'ServiceUnavailable', 'Service temporarily unavailable. Please try again later.');
  }
  return { ...answer, headers: { ...headers, ...answer.headers } };
}

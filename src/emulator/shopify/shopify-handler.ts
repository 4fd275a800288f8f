import { createHmac, randomBytes } from 'node:crypto';
import type { EmuShop } from '../shop-state.ts';
import { GraphqlUserError, type Operation, type OperationContext, operations } from './shopify-operations.ts';
import { issueAccessToken, isValidAccessToken, type ShopifyState, shopifyStateOf } from './shopify-state.ts';

export const SUPPORTED_API_VERSIONS = ['2024-10', '2025-01', '2025-04', '2025-07'];
export const MAX_QUERY_COST = 1000;

export interface EmuRequest {
  method: string;
  /** Path below `/shopify/<shop>`, e.g. `/admin/api/2025-01/graphql.json`. */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface EmuResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface HandlerContext {
  now: Date;
  baseUrl: string;
  emit(shop: EmuShop, topic: string, payload: unknown): void;
  /** API-level faults (latency, 5xx, 429 storm); returns an answer when a fault applies. */
  apiFault(shop: EmuShop): Promise<EmuResponse | null>;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): EmuResponse => ({ status, body, headers });

/** Leaky bucket as Shopify documents it: restores `restoreRate` points per second up to `maximumAvailable`. */
function refill(state: ShopifyState, nowMs: number): void {
  const bucket = state.bucket;
  bucket.available = Math.min(bucket.maximumAvailable, bucket.available + ((nowMs - bucket.at) / 1000) * bucket.restoreRate);
  bucket.at = nowMs;
}

const throttleStatus = (state: ShopifyState) => ({
  maximumAvailable: state.bucket.maximumAvailable,
  currentlyAvailable: Math.floor(state.bucket.available),
  restoreRate: state.bucket.restoreRate,
});

/** OAuth: the callback query Shopify signs (sorted params, form-encoded, hex HMAC-SHA256 with the client secret). */
function signCallback(params: Record<string, string>, secret: string): string {
  const message = Object.keys(params)
    .sort()
    .map((key) => `${key.replace(/[%&=]/g, (c) => encodeURIComponent(c))}=${(params[key] as string).replace(/[%&]/g, (c) => encodeURIComponent(c))}`)
    .join('&');
  return createHmac('sha256', secret).update(message).digest('hex');
}

function authorize(shop: EmuShop, request: EmuRequest, context: HandlerContext): EmuResponse {
  const state = shopifyStateOf(shop);
  const clientId = request.query.get('client_id');
  const redirectUri = request.query.get('redirect_uri');
  if (clientId !== state.clientId) return json(400, { errors: 'Oauth error invalid_request: The client_id is not valid for this shop' });
  if (!redirectUri || !/^https?:\/\//.test(redirectUri)) return json(400, { errors: 'Oauth error invalid_request: The redirect_uri is missing or not valid' });
  const scopes = (request.query.get('scope') ?? '').split(',').filter(Boolean);
  const unknown = scopes.filter((scope) => !state.scopes.includes(scope));
  if (unknown.length > 0) return json(400, { errors: `Oauth error invalid_scope: ${unknown.join(', ')}` });
  // The merchant approves instantly (the emulator has no consent screen).
  const code = randomBytes(16).toString('hex');
  state.codes.set(code, { expiresAt: context.now.getTime() + 10 * 60_000, scopes: scopes.length ? scopes : state.scopes });
  const params: Record<string, string> = {
    code,
    host: Buffer.from(`admin.shopify.com/store/${shop.shop.split('.')[0]}`).toString('base64url'),
    shop: shop.shop,
    state: request.query.get('state') ?? '',
    timestamp: String(Math.floor(context.now.getTime() / 1000)),
  };
  const location = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) location.searchParams.set(key, value);
  location.searchParams.set('hmac', signCallback(params, state.clientSecret));
  return { status: 302, headers: { location: location.toString() }, body: '' };
}

function accessToken(shop: EmuShop, request: EmuRequest, context: HandlerContext): EmuResponse {
  const state = shopifyStateOf(shop);
  const type = String(request.headers['content-type'] ?? '');
  let fields: Record<string, unknown> = {};
  try {
    fields = type.includes('json') ? JSON.parse(request.body.toString('utf8')) : Object.fromEntries(new URLSearchParams(request.body.toString('utf8')));
  } catch {
    return json(400, { error: 'invalid_request', error_description: 'Malformed body' });
  }
  if (fields.client_id !== state.clientId || fields.client_secret !== state.clientSecret)
    return json(400, { error: 'invalid_client', error_description: 'Client credentials are invalid' });
  const grant = typeof fields.code === 'string' ? state.codes.get(fields.code) : undefined;
  if (!grant || grant.expiresAt < context.now.getTime())
    return json(400, { error: 'invalid_request', error_description: 'The authorization code was not found or was already used' });
  state.codes.delete(fields.code as string);
  return json(200, { access_token: issueAccessToken(state), scope: grant.scopes.join(',') });
}

const graphqlError = (message: string, code: string, extra: Record<string, unknown> = {}) => ({ errors: [{ message, extensions: { code, ...extra } }] });

/** Operation name: the request's `operationName`, else the first `query Name` / `mutation Name` of the document. */
function operationNameOf(body: { query?: unknown; operationName?: unknown }): string | null {
  if (typeof body.operationName === 'string' && body.operationName) return body.operationName;
  if (typeof body.query !== 'string') return null;
  return /^\s*(?:query|mutation)\s+([A-Za-z_]\w*)/.exec(body.query)?.[1] ?? null;
}

async function graphql(shop: EmuShop, request: EmuRequest, context: HandlerContext): Promise<EmuResponse> {
  const state = shopifyStateOf(shop);
  const fault = await context.apiFault(shop);
  if (fault) return fault;
  const token = request.headers['x-shopify-access-token'];
  if (!isValidAccessToken(state, token) || shop.faults.tokenExpired) {
    shop.stats.unauthorized++;
    return json(401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
  }
  let body: { query?: unknown; variables?: unknown; operationName?: unknown };
  try {
    body = JSON.parse(request.body.toString('utf8'));
  } catch {
    return json(400, { errors: { query: 'Required parameter missing or invalid' } });
  }
  if (typeof body?.query !== 'string') return json(400, { errors: { query: 'Required parameter missing or invalid' } });
  const name = operationNameOf(body);
  const operation: Operation | undefined = name ? operations[name] : undefined;
  if (!name || !operation) {
    return json(
      200,
      graphqlError(
        `Emulator: unsupported operation ${name ? `"${name}"` : '(anonymous)'}; supported: ${Object.keys(operations).join(', ')}`,
        'UNSUPPORTED_OPERATION',
      ),
    );
  }
  const kindMatches = new RegExp(`^\\s*${operation.kind}\\b`).test(body.query) && new RegExp(`\\b${operation.rootField}\\s*[({]`).test(body.query);
  if (!kindMatches)
    return json(200, graphqlError(`Emulator: operation ${name} must be a ${operation.kind} selecting ${operation.rootField}`, 'UNSUPPORTED_OPERATION'));
  const parsed = operation.variables.safeParse(body.variables ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return json(
      200,
      graphqlError(`Variable $${String(issue?.path[0] ?? 'input')} of the operation was provided invalid value: ${issue?.message}`, 'INVALID_VARIABLE', {
        problems: parsed.error.issues.map((i) => ({ path: i.path, explanation: i.message })),
      }),
    );
  }
  const variables = parsed.data;
  if (operation.scope && !state.scopes.includes(operation.scope))
    return json(200, graphqlError(`Access denied for ${operation.rootField} field. Required access: \`${operation.scope}\` access scope.`, 'ACCESS_DENIED'));

  const requested = operation.requestedCost(variables);
  if (requested > MAX_QUERY_COST) {
    return json(200, {
      ...graphqlError(`Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`, 'MAX_COST_EXCEEDED', {
        cost: requested,
        maxCost: MAX_QUERY_COST,
      }),
    });
  }
  refill(state, Date.now());
  if (requested > state.bucket.available) {
    shop.stats.throttled++;
    return json(200, {
      ...graphqlError('Throttled', 'THROTTLED', { documentation: 'https://shopify.dev/api/usage/rate-limits' }),
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: throttleStatus(state) } },
    });
  }
  state.bucket.available -= requested;
  shop.stats.minBucketLevel = Math.min(shop.stats.minBucketLevel, state.bucket.available);

  const operationContext: OperationContext = {
    shop,
    now: context.now,
    baseUrl: context.baseUrl,
    emit: (topic, payload) => context.emit(shop, topic, payload),
    dropWrite: () => {
      if (shop.faults.dropWrites <= 0) return false;
      shop.faults.dropWrites--;
      shop.stats.droppedWrites++;
      return true;
    },
  };
  try {
    const result = operation.run(operationContext, variables);
    if (operation.kind === 'mutation' && shop.faults.loseWriteAnswers > 0) {
      shop.faults.loseWriteAnswers--;
      shop.stats.http5xx++;
      return json(503, { errors: 'Service Unavailable' });
    }
    const actual = Math.min(requested, result.actualCost ?? requested);
    state.bucket.available = Math.min(state.bucket.maximumAvailable, state.bucket.available + (requested - actual));
    shop.stats.pointsCharged += actual;
    return json(200, {
      data: result.data,
      extensions: { cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: throttleStatus(state) } },
    });
  } catch (error) {
    if (error instanceof GraphqlUserError) return json(200, graphqlError(error.message, error.code));
    throw error;
  }
}

/** Routes one request below `/shopify/<shop>`. */
export async function handleShopify(shop: EmuShop, request: EmuRequest, context: HandlerContext): Promise<EmuResponse> {
  shop.stats.requests++;
  if (request.method === 'GET' && request.path === '/admin/oauth/authorize') return authorize(shop, request, context);
  if (request.method === 'POST' && request.path === '/admin/oauth/access_token') return accessToken(shop, request, context);
  const api = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(request.path);
  if (api) {
    if (request.method !== 'POST') return json(405, { errors: 'Method not allowed' });
    if (!SUPPORTED_API_VERSIONS.includes(api[1] as string)) return json(404, { errors: `API version ${api[1]} is not supported by the emulator` });
    return graphql(shop, request, context);
  }
  return json(404, { errors: 'Not Found' });
}

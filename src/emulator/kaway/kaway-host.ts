import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { parseCsv } from '../../lib/csv.ts';
import { fillCatalog, generateOrder } from '../generator.ts';
import { type EmuShop, newEmuShop } from '../shop-state.ts';
import { type KawayFeedFormat, type KawayFeedKind, renderKawayFeed, strongEtag } from './kaway-feeds.ts';

/**
 * A Kaway "feed host": what a Kaway seller account would publish (Kaway documents no API). Per
 * shop: products, stock and orders feeds as CSV and JSON at `/kaway/<shop>/feeds/<kind>.<csv|json>`
 * with a strong ETag and Last-Modified (If-None-Match / If-Modified-Since answer 304), optional
 * basic or bearer auth, a fixed-window download limit with X-RateLimit-* headers, and a drop
 * location `PUT /kaway/<shop>/inbox/stock.<csv|json>` that applies a stock file. The shared faults
 * apply, plus two of its own: `truncateFeeds` (the download stops half way, short of its
 * Content-Length) and `corruptFeeds` (one row carries a garbled value).
 */
export const createKawayShopSchema = z.strictObject({
  platform: z.literal('kaway'),
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'a shop name like demo-kaway'),
  name: z.string().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('BRL'),
  seed: z.union([z.string(), z.number()]).optional(),
  products: z.number().int().min(0).max(100_000).default(50),
  orders: z.number().int().min(0).max(100_000).default(20),
  auth: z.enum(['none', 'basic', 'bearer']).default('bearer'),
  /** Downloads and uploads allowed per window (per shop). */
  rateLimit: z.number().int().positive().default(600),
  rateWindowSeconds: z.number().positive().default(60),
});
export type CreateKawayShopInput = z.input<typeof createKawayShopSchema>;

export interface KawayShopCredentials {
  platform: 'kaway';
  shop: string;
  baseUrl: string;
  feeds: Record<KawayFeedKind, Record<KawayFeedFormat, string>>;
  stockUploadUrl: string;
  auth: { type: 'none' } | { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };
}

interface KawayState {
  auth: KawayShopCredentials['auth'];
  limit: { max: number; windowMs: number; windowStart: number; used: number };
  /** Per feed file: the ETag it had and since when (its Last-Modified). */
  versions: Map<string, { etag: string; since: Date }>;
}

const stateOf = (shop: EmuShop) => shop.channel.kaway as KawayState;

export function createKawayShop(raw: unknown, options: { seed: string; baseUrl: string; now: Date }): { shop: EmuShop; credentials: KawayShopCredentials } {
  const input = createKawayShopSchema.parse(raw);
  const shop = newEmuShop({
    shop: input.shop,
    platform: 'kaway',
    name: input.name,
    currency: input.currency,
    seed: options.seed,
    shopSeed: input.seed,
    firstId: 5000,
  });
  const secret = createHmac('sha256', options.seed).update(`kaway:${input.shop}`).digest('hex');
  const auth: KawayShopCredentials['auth'] =
    input.auth === 'basic'
      ? { type: 'basic', username: input.shop, password: secret.slice(0, 24) }
      : input.auth === 'bearer'
        ? { type: 'bearer', token: `kwy_${secret.slice(0, 40)}` }
        : { type: 'none' };
  const state: KawayState = {
    auth,
    limit: { max: input.rateLimit, windowMs: input.rateWindowSeconds * 1000, windowStart: 0, used: 0 },
    versions: new Map(),
  };
  shop.channel.kaway = state;
  fillCatalog(shop, { products: input.products, now: new Date(options.now.getTime() - 30 * 86_400_000) });
  for (let i = 0; i < input.orders; i++) generateOrder(shop, new Date(options.now.getTime() - (input.orders - i) * 3_600_000));
  const baseUrl = `${options.baseUrl}/kaway/${shop.shop}`;
  const feed = (kind: KawayFeedKind) => ({ csv: `${baseUrl}/feeds/${kind}.csv`, json: `${baseUrl}/feeds/${kind}.json` });
  return {
    shop,
    credentials: {
      platform: 'kaway',
      shop: shop.shop,
      baseUrl,
      feeds: { products: feed('products'), stock: feed('stock'), orders: feed('orders') },
      stockUploadUrl: `${baseUrl}/inbox/stock.csv`,
      auth,
    },
  };
}

const equal = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function authorized(state: KawayState, header: string | undefined): boolean {
  const auth = state.auth;
  if (auth.type === 'none') return true;
  if (!header) return false;
  if (auth.type === 'bearer') return equal(header, `Bearer ${auth.token}`);
  return equal(header, `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`);
}

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Send only this many bytes of the body, then drop the connection (a download cut short). */
  cutAt?: number;
}

const text = (status: number, body: string, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/** Applies a stock file (sku, quantity rows; CSV or JSON) to the shop: 422 with row numbers when a row is bad, nothing applied then. */
function ingestStock(shop: EmuShop, format: KawayFeedFormat, body: Buffer): Answer {
  let rows: Array<{ row: number; sku: string; quantity: string }>;
  try {
    if (format === 'json') {
      const doc = JSON.parse(body.toString('utf8'));
      const items: unknown[] = Array.isArray(doc) ? doc : doc?.items;
      if (!Array.isArray(items)) return text(422, 'expected a JSON array of rows or { "items": [...] }');
      rows = items.map((item, i) => ({ row: i + 1, sku: String((item as Row)?.sku ?? ''), quantity: String((item as Row)?.quantity ?? '') }));
    } else {
      const { records, errors } = parseCsv(body.toString('utf8'));
      if (errors.length) return text(422, errors.map((e) => `line ${e.line}: ${e.message}`).join('\n'));
      const [header, ...data] = records;
      const names = header?.fields.map((name) => name.trim().toLowerCase()) ?? [];
      if (!names.includes('sku') || !names.includes('quantity')) return text(422, 'the header must name the sku and quantity columns');
      rows = data.map((record) => ({
        row: record.line,
        sku: record.fields[names.indexOf('sku')] ?? '',
        quantity: record.fields[names.indexOf('quantity')] ?? '',
      }));
    }
  } catch {
    return text(422, 'the file cannot be read');
  }
  const bySku = new Map([...shop.products.values()].flatMap((p) => p.variants.map((v) => [v.sku, v.inventoryItemId] as const)));
  const problems = rows.flatMap((r) =>
    !bySku.has(r.sku)
      ? [`row ${r.row}: unknown sku ${JSON.stringify(r.sku)}`]
      : /^\d+$/.test(r.quantity)
        ? []
        : [`row ${r.row}: quantity must be a whole number`],
  );
  if (problems.length) return text(422, problems.join('\n'));
  if (shop.faults.dropWrites > 0) {
    shop.faults.dropWrites--;
    shop.stats.droppedWrites++;
    return text(200, `accepted ${rows.length} rows\n`);
  }
  for (const r of rows) shop.stock.set(bySku.get(r.sku) as number, Number(r.quantity));
  if (shop.faults.loseWriteAnswers > 0) {
    shop.faults.loseWriteAnswers--;
    shop.stats.http5xx++;
    return text(503, 'Service Unavailable');
  }
  return text(200, `accepted ${rows.length} rows\n`);
}

type Row = Record<string, unknown>;

function feed(shop: EmuShop, request: IncomingMessage, kind: KawayFeedKind, format: KawayFeedFormat, now: Date): Answer {
  const state = stateOf(shop);
  const faults = shop.faults;
  const corrupt = faults.corruptFeeds > 0;
  if (corrupt) faults.corruptFeeds--;
  const body = renderKawayFeed(shop, kind, format, { corrupt });
  const etag = strongEtag(body);
  const key = `${kind}.${format}`;
  let version = state.versions.get(key);
  if (!version || version.etag !== etag) {
    version = { etag, since: new Date(Math.floor(now.getTime() / 1000) * 1000) };
    state.versions.set(key, version);
  }
  const headers = {
    etag,
    'last-modified': version.since.toUTCString(),
    'cache-control': 'no-cache',
    'content-type': format === 'json' ? 'application/json; charset=utf-8' : 'text/csv; charset=utf-8',
  };
  const ifNoneMatch = request.headers['if-none-match'];
  const ifModifiedSince = request.headers['if-modified-since'];
  if (ifNoneMatch !== undefined) {
    const tags = ifNoneMatch.split(',').map((tag) => tag.trim().replace(/^W\//, ''));
    if (tags.includes('*') || tags.includes(etag)) return { status: 304, headers };
  } else if (ifModifiedSince !== undefined) {
    const since = Date.parse(ifModifiedSince);
    if (!Number.isNaN(since) && version.since.getTime() <= since) return { status: 304, headers };
  }
  if (faults.truncateFeeds > 0) {
    faults.truncateFeeds--;
    return { status: 200, headers, body, cutAt: Math.floor(Buffer.byteLength(body) / 2) };
  }
  return { status: 200, headers, body };
}

export interface KawayHostContext {
  now: Date;
  /** The shared API faults (latency, 429 storm, 5xx): an answer when one applies. */
  apiFault(shop: EmuShop): Promise<{ status: number; headers?: Record<string, string>; body?: unknown } | null>;
}

async function answer(shop: EmuShop, request: IncomingMessage, path: string, body: Buffer, context: KawayHostContext): Promise<Answer> {
  const state = stateOf(shop);
  shop.stats.requests++;
  const fault = await context.apiFault(shop);
  if (fault) return text(fault.status, fault.status === 429 ? 'Too Many Requests' : 'Service Unavailable', fault.headers);
  if (shop.faults.tokenExpired || !authorized(state, request.headers.authorization)) {
    shop.stats.unauthorized++;
    return text(401, shop.faults.tokenExpired ? 'the access token has expired' : 'authentication required', {
      'www-authenticate': state.auth.type === 'basic' ? 'Basic realm="kaway-feeds"' : 'Bearer realm="kaway-feeds", error="invalid_token"',
    });
  }
  const nowMs = context.now.getTime();
  const limit = state.limit;
  if (nowMs - limit.windowStart >= limit.windowMs) {
    limit.windowStart = nowMs;
    limit.used = 0;
  }
  const resetSeconds = Math.max(0, Math.ceil((limit.windowStart + limit.windowMs - nowMs) / 1000));
  const limitHeaders = { 'x-ratelimit-limit': String(limit.max), 'x-ratelimit-reset': String(resetSeconds) };
  if (limit.used >= limit.max) {
    shop.stats.throttled++;
    shop.stats.http429++;
    return text(429, 'Too Many Requests', { ...limitHeaders, 'x-ratelimit-remaining': '0', 'retry-after': String(resetSeconds) });
  }
  limit.used++;
  const withLimit = (result: Answer): Answer => ({
    ...result,
    headers: { ...result.headers, ...limitHeaders, 'x-ratelimit-remaining': String(limit.max - limit.used) },
  });
  const feedMatch = /^\/feeds\/(products|stock|orders)\.(csv|json)$/.exec(path);
  if (feedMatch && (request.method === 'GET' || request.method === 'HEAD')) {
    return withLimit(feed(shop, request, feedMatch[1] as KawayFeedKind, feedMatch[2] as KawayFeedFormat, context.now));
  }
  const inbox = /^\/inbox\/stock\.(csv|json)$/.exec(path);
  if (inbox && (request.method === 'PUT' || request.method === 'POST')) {
    const declared = request.headers['content-type'] ?? '';
    const format: KawayFeedFormat = declared.includes('json') ? 'json' : declared.includes('csv') ? 'csv' : (inbox[1] as KawayFeedFormat);
    return withLimit(ingestStock(shop, format, body));
  }
  return withLimit(text(404, 'Not Found'));
}

/** Serves one request below `/kaway/<shop>`; writes the answer itself (a cut-short download needs the raw socket). */
export async function handleKaway(
  shop: EmuShop | undefined,
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  body: Buffer,
  context: KawayHostContext,
) {
  const result: Answer = shop && shop.platform === 'kaway' ? await answer(shop, request, path, body, context) : text(404, 'Not Found');
  const bytes = Buffer.from(result.body ?? '', 'utf8');
  response.writeHead(result.status, { ...result.headers, ...(result.status === 304 ? {} : { 'content-length': String(bytes.length) }) });
  if (request.method === 'HEAD' || result.status === 304) return void response.end();
  if (result.cutAt !== undefined) {
    response.write(bytes.subarray(0, result.cutAt), () => response.destroy());
    return;
  }
  response.end(bytes);
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { handleAmazon } from './amazon/amazon-handler.ts';
import { type AmazonShopCredentials, type CreateAmazonShopInput, createAmazonShop } from './amazon/amazon-host.ts';
import { fillCatalog, generateOrder } from './generator.ts';
import { type CreateKawayShopInput, createKawayShop, handleKaway, type KawayShopCredentials } from './kaway/kaway-host.ts';
import { handleMercadoLivre } from './mercadolivre/ml-handler.ts';
import { createMlNotifier } from './mercadolivre/ml-notifier.ts';
import { initMlState, issueTokens, mlStateOf, orderId } from './mercadolivre/ml-state.ts';
import { seededRandom } from './random.ts';
import { type EmuShop, emptyStats, faultsSchema, noFaults } from './shop-state.ts';
import { handleShopee } from './shopee/shopee-handler.ts';
import { createShopeePusher } from './shopee/shopee-push.ts';
import { initShopeeState, issueShopeeTokens, orderSnOf, shopeeStateOf } from './shopee/shopee-state.ts';
import { type EmuRequest, type EmuResponse, type HandlerContext, handleShopify } from './shopify/shopify-handler.ts';
import { orderWebhookPayload } from './shopify/shopify-render.ts';
import { initShopifyState, issueAccessToken, shopifyStateOf } from './shopify/shopify-state.ts';
import { handleTikTokShop } from './tiktokshop/tts-handler.ts';
import { createTtsNotifier } from './tiktokshop/tts-notifier.ts';
import { renderOrder as renderTtsOrder } from './tiktokshop/tts-render.ts';
import { initTtsState, issueTtsTokens, tiktokShopShopSchema } from './tiktokshop/tts-state.ts';
import { createWebhookDispatcher } from './webhook-dispatcher.ts';

/**
 * The marketplace emulator: an offline stand-in speaking each channel's real protocol with per-shop
 * state, a seeded generator and fault injection. Channels live under `/<platform>/<shop>/…`
 * (Shopify: `/shopify/demo.myshopify.com/admin/api/2025-01/graphql.json`); the control plane is
 * under `/_emulator/` (unauthenticated: bind it to loopback).
 */
/** What every emulated shop takes: its display name, currency, generator seed and catalog size. */
const shopBasics = {
  name: z.string().optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('BRL'),
  seed: z.union([z.string(), z.number()]).optional(),
  products: z.number().int().min(0).max(100_000).default(50),
  orders: z.number().int().min(0).max(100_000).default(20),
};
const shopifyShopSchema = z.strictObject({
  platform: z.literal('shopify'),
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}\.myshopify\.com$/, 'a shop domain like demo.myshopify.com'),
  ...shopBasics,
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  maximumAvailable: z.number().positive().optional(),
  restoreRate: z.number().positive().optional(),
  currentlyAvailable: z.number().min(0).optional(),
  bulkDelayMs: z.number().int().min(0).optional(),
});
/** A Mercado Livre seller: `shop` is the emulator's key for it (the seller's URL segment). */
const mercadoLivreShopSchema = z.strictObject({
  platform: z.literal('mercadolivre'),
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'a seller key like demo-seller'),
  ...shopBasics,
  clientId: z.string().optional(),
  clientSecret: z.string().optional(),
  accessTokenTtlSeconds: z.number().positive().optional(),
  requestsPerSecond: z.number().positive().optional(),
  burst: z.number().min(1).optional(),
  rateLimitScope: z.enum(['endpoint', 'seller']).optional(),
  sendRetryAfter: z.boolean().optional(),
  notificationsUrl: z.url().optional(),
});
/** A Shopee shop: `shop` is the emulator's key for it (Shopee's API host is shared; the emulator prefixes the shop). */
const shopeeShopSchema = z.strictObject({
  platform: z.literal('shopee'),
  shop: z.string().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'a shop key like demo-shopee'),
  ...shopBasics,
  partnerId: z.number().int().positive().optional(),
  partnerKey: z.string().min(1).optional(),
  region: z
    .string()
    .regex(/^[A-Z]{2}$/)
    .optional(),
  accessTokenTtlSeconds: z.number().positive().optional(),
  requestsPerSecond: z.number().positive().optional(),
  burst: z.number().min(1).optional(),
  pushUrl: z.url().optional(),
});
export const createShopSchema = z.discriminatedUnion('platform', [shopifyShopSchema, mercadoLivreShopSchema, shopeeShopSchema, tiktokShopShopSchema]);
export type CreateShopInput = z.input<typeof createShopSchema>;

export interface ShopCredentials {
  platform: 'shopify' | 'mercadolivre' | 'shopee' | 'tiktokshop';
  shop: string;
  /** Where the connector should send its API calls (instead of https://<shop>). */
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** A pre-installed access token (skips the OAuth dance in tests and the demo); the same for the same seed and shop. */
  accessToken: string;
  /** Mercado Livre: the refresh token (rotates on every refresh), its expiry and the seller's user id. */
  refreshToken?: string;
  expiresAt?: string;
  userId?: string;
  /** Shopee: the partner app (signs every call) and the shop id. */
  partnerId?: number;
  partnerKey?: string;
  /** Shopee: the numeric shop id; TikTok Shop: the shop's id (a 19-digit string). */
  shopId?: number | string;
  /** TikTok Shop: clientId/clientSecret are the app key/secret; the shop's cipher. */
  shopCipher?: string;
}

export interface EmulatorOptions {
  seed?: string | number;
  /** Generate orders on a timer (standalone and demo); off in tests, which call `generateOrders`. */
  orderIntervalMs?: number;
  now?: () => Date;
  webhookBatchMs?: number;
}

export interface Emulator {
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
  readonly url: string;
  createShop(input: CreateShopInput): ShopCredentials;
  /** A Kaway feed host shop (see kaway/kaway-host.ts). */
  createKawayShop(input: CreateKawayShopInput): KawayShopCredentials;
  /** An Amazon SP-API selling partner (see amazon/amazon-host.ts). */
  createAmazonShop(input: CreateAmazonShopInput): AmazonShopCredentials;
  shop(name: string): EmuShop;
  setFaults(name: string, faults: Partial<z.input<typeof faultsSchema>>): void;
  generateOrders(name: string, count: number): number;
  /** Shopify: the merchant uninstalls the app; its tokens stop working and `app/uninstalled` is sent. */
  uninstallApp(name: string): void;
  /** Waits until every queued webhook has been delivered (or failed). */
  drainWebhooks(): Promise<void>;
  handle(request: IncomingMessage, response: ServerResponse): void;
}

const MAX_BODY = 10 * 1024 * 1024;

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw Object.assign(new Error('Payload too large'), { status: 413 });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function send(response: ServerResponse, answer: EmuResponse): void {
  const isText = typeof answer.body === 'string';
  const body = answer.body === undefined ? '' : isText ? (answer.body as string) : JSON.stringify(answer.body);
  response.writeHead(answer.status, {
    'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
    ...answer.headers,
  });
  response.end(body);
}

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const shops = new Map<string, EmuShop>();
  const now = options.now ?? (() => new Date());
  const webhooks = createWebhookDispatcher({ batchMs: options.webhookBatchMs });
  const mlNotifications = createMlNotifier({ batchMs: options.webhookBatchMs });
  const shopeePushes = createShopeePusher({ batchMs: options.webhookBatchMs });
  const ttsNotifications = createTtsNotifier({ batchMs: options.webhookBatchMs });
  let server: Server | null = null;
  let baseUrl = '';
  let orderTimer: NodeJS.Timeout | null = null;

  const shopOf = (name: string): EmuShop => {
    const shop = shops.get(name);
    if (!shop) throw Object.assign(new Error(`No emulated shop ${name}`), { status: 404 });
    return shop;
  };

  const handlerContext = (): HandlerContext => ({
    now: now(),
    baseUrl,
    emit: (shop, topic, payload) => webhooks.enqueue(shop, topic, payload, now()),
    async apiFault(shop) {
      const faults = shop.faults;
      if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
      if (faults.stormRequests > 0) {
        faults.stormRequests--;
        shop.stats.http429++;
        return {
          status: 429,
          headers: { 'retry-after': faults.stormRetryAfterSeconds.toFixed(1) },
          body: { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' },
        };
      }
      if (faults.failNext > 0 || (faults.errorRate > 0 && shop.random.chance(faults.errorRate))) {
        if (faults.failNext > 0) faults.failNext--;
        shop.stats.http5xx++;
        return { status: 503, body: { errors: 'Service Unavailable' } };
      }
      return null;
    },
  });

  function createShop(raw: CreateShopInput): ShopCredentials {
    const input = createShopSchema.parse(raw);
    if (shops.has(input.shop)) throw Object.assign(new Error(`Shop ${input.shop} already exists`), { status: 409 });
    let id = 1000;
    let orderNumber = 1000;
    const shop: EmuShop = {
      shop: input.shop,
      platform: input.platform,
      name: input.name ?? input.shop.replace(/\.myshopify\.com$/, '').replace(/-/g, ' '),
      currency: input.currency,
      products: new Map(),
      stock: new Map(),
      orders: new Map(),
      nextId: () => ++id,
      nextOrderNumber: () => ++orderNumber,
      random: seededRandom(`${options.seed ?? 'nexo'}:${input.seed ?? input.shop}`),
      faults: noFaults(),
      stats: emptyStats(),
      webhooks: [],
      channel: {},
    };
    const createdAt = now();
    const fill = () => {
      fillCatalog(shop, { products: input.products, now: new Date(createdAt.getTime() - 30 * 86_400_000) });
      for (let i = 0; i < input.orders; i++) generateOrder(shop, new Date(createdAt.getTime() - (input.orders - i) * 3_600_000));
      shops.set(shop.shop, shop);
    };
    if (input.platform === 'mercadolivre') {
      const ml = initMlState(shop, input, String(options.seed ?? 'nexo'));
      fill();
      const tokens = issueTokens(ml, createdAt.getTime());
      return {
        platform: 'mercadolivre',
        shop: shop.shop,
        baseUrl: `${baseUrl}/mercadolivre/${shop.shop}`,
        clientId: ml.clientId,
        clientSecret: ml.clientSecret,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        expiresAt: new Date(createdAt.getTime() + tokens.expires_in * 1000).toISOString(),
        userId: String(ml.userId),
      };
    }
    if (input.platform === 'shopee') {
      const shopee = initShopeeState(shop, input, String(options.seed ?? 'nexo'));
      fill();
      const tokens = issueShopeeTokens(shopee, createdAt.getTime());
      return {
        platform: 'shopee',
        shop: shop.shop,
        baseUrl: `${baseUrl}/shopee/${shop.shop}`,
        clientId: String(shopee.partnerId),
        clientSecret: shopee.partnerKey,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        expiresAt: new Date(createdAt.getTime() + tokens.expire_in * 1000).toISOString(),
        partnerId: shopee.partnerId,
        partnerKey: shopee.partnerKey,
        shopId: shopee.shopId,
      };
    }
    if (input.platform === 'tiktokshop') {
      const tts = initTtsState(shop, input, String(options.seed ?? 'nexo'));
      fill();
      const tokens = issueTtsTokens(tts, createdAt.getTime());
      return {
        platform: 'tiktokshop',
        shop: shop.shop,
        baseUrl: `${baseUrl}/tiktokshop/${shop.shop}`,
        clientId: tts.appKey,
        clientSecret: tts.appSecret,
        accessToken: tokens.access_token,
        refreshToken: tokens.refresh_token,
        expiresAt: new Date(tokens.access_token_expire_in * 1000).toISOString(),
        shopId: tts.shopId,
        shopCipher: tts.cipher,
      };
    }
    const state = initShopifyState(shop, input, Date.now(), String(options.seed ?? 'nexo'));
    fill();
    return {
      platform: 'shopify',
      shop: shop.shop,
      baseUrl: `${baseUrl}/shopify/${shop.shop}`,
      clientId: state.clientId,
      clientSecret: state.clientSecret,
      accessToken: issueAccessToken(state, '0'.repeat(16)),
    };
  }

  function addKawayShop(raw: CreateKawayShopInput): KawayShopCredentials {
    const name = (raw as { shop?: string }).shop ?? '';
    if (shops.has(name)) throw Object.assign(new Error(`Shop ${name} already exists`), { status: 409 });
    const { shop, credentials } = createKawayShop(raw, { seed: String(options.seed ?? 'nexo'), baseUrl, now: now() });
    shops.set(shop.shop, shop);
    return credentials;
  }

  function addAmazonShop(raw: CreateAmazonShopInput): AmazonShopCredentials {
    const name = (raw as { shop?: string }).shop ?? '';
    if (shops.has(name)) throw Object.assign(new Error(`Shop ${name} already exists`), { status: 409 });
    const { shop, credentials } = createAmazonShop(raw, { seed: String(options.seed ?? 'nexo'), baseUrl, now: now() });
    shops.set(shop.shop, shop);
    return credentials;
  }

  function generateOrders(name: string, count: number): number {
    const shop = shopOf(name);
    let created = 0;
    for (let i = 0; i < count; i++) {
      const order = generateOrder(shop, now());
      if (!order) break;
      created++;
      if (shop.platform === 'mercadolivre') mlNotifications.enqueue(shop, 'orders_v2', `/orders/${orderId(order.id)}`, now());
      else if (shop.platform === 'shopee')
        shopeePushes.enqueue(shop, 3, { ordersn: orderSnOf(order), status: 'READY_TO_SHIP', update_time: Math.floor(now().getTime() / 1000) }, now());
      else if (shop.platform === 'tiktokshop') {
        const rendered = renderTtsOrder(shop, order);
        ttsNotifications.enqueue(
          shop,
          'ORDER_STATUS_CHANGE',
          { order_id: rendered.id, order_status: rendered.status, update_time: rendered.update_time },
          now(),
        );
      } else webhooks.enqueue(shop, 'orders/create', orderWebhookPayload(order), now());
    }
    return created;
  }

  function uninstallApp(name: string): void {
    const shop = shopOf(name);
    if (shop.platform !== 'shopify') throw Object.assign(new Error(`uninstall is a Shopify event; ${name} is ${shop.platform}`), { status: 400 });
    shop.faults = faultsSchema.parse({ ...shop.faults, tokenExpired: true });
    webhooks.enqueue(shop, 'app/uninstalled', { name: shop.name, domain: shop.shop, myshopify_domain: shop.shop, currency: shop.currency }, now());
  }

  function summary(shop: EmuShop) {
    const state = shop.platform === 'shopify' ? shopifyStateOf(shop) : null;
    return {
      platform: shop.platform,
      shop: shop.shop,
      name: shop.name,
      currency: shop.currency,
      products: shop.products.size,
      variants: [...shop.products.values()].reduce((sum, p) => sum + p.variants.length, 0),
      orders: shop.orders.size,
      faults: shop.faults,
      stats: { ...shop.stats, minBucketLevel: Number.isFinite(shop.stats.minBucketLevel) ? shop.stats.minBucketLevel : null },
      bucket: state ? { maximumAvailable: state.bucket.maximumAvailable, restoreRate: state.bucket.restoreRate } : null,
      webhooks: shop.webhooks,
    };
  }

  async function control(method: string, path: string, body: Buffer): Promise<EmuResponse> {
    const parse = () => (body.length ? JSON.parse(body.toString('utf8')) : {});
    if (path === '/_emulator/shops' && method === 'GET') return { status: 200, body: { shops: [...shops.values()].map(summary) } };
    if (path === '/_emulator/shops' && method === 'POST') {
      const input = parse();
      if (input?.platform === 'amazon') return { status: 201, body: addAmazonShop(input) };
      return { status: 201, body: input?.platform === 'kaway' ? addKawayShop(input) : createShop(input) };
    }
    const file = /^\/_emulator\/files\/bulk\/([^/]+)\/(\d+)\.jsonl$/.exec(path);
    if (file && method === 'GET') {
      const bulk = shopifyStateOf(shopOf(decodeURIComponent(file[1] as string))).bulk;
      if (!bulk || String(bulk.id) !== file[2] || bulk.status !== 'COMPLETED') return { status: 404, body: { errors: 'Not Found' } };
      return { status: 200, headers: { 'content-type': 'application/jsonl' }, body: bulk.jsonl ?? '' };
    }
    const match = /^\/_emulator\/shops\/([^/]+)(\/faults|\/orders|\/webhooks|\/notifications|\/uninstall)?$/.exec(path);
    if (!match) return { status: 404, body: { errors: 'Not Found' } };
    const shop = shopOf(decodeURIComponent(match[1] as string));
    if (!match[2] && method === 'GET') return { status: 200, body: summary(shop) };
    if (match[2] === '/faults' && method === 'POST') {
      shop.faults = faultsSchema.parse({ ...shop.faults, ...parse() });
      return { status: 200, body: shop.faults };
    }
    if (match[2] === '/faults' && method === 'DELETE') {
      shop.faults = noFaults();
      return { status: 200, body: shop.faults };
    }
    if (match[2] === '/uninstall' && method === 'POST') {
      uninstallApp(shop.shop);
      return { status: 200, body: { uninstalled: shop.shop } };
    }
    if (match[2] === '/orders' && method === 'POST') {
      const { count } = z.object({ count: z.number().int().min(1).max(1000).default(1) }).parse(parse());
      return { status: 201, body: { created: generateOrders(shop.shop, count) } };
    }
    if (match[2] === '/notifications' && method === 'POST' && shop.platform === 'mercadolivre') {
      // The application's notifications callback URL (DevCenter on the real ML).
      const { url } = z.object({ url: z.url().nullable() }).parse(parse());
      mlStateOf(shop).notificationsUrl = url;
      return { status: 200, body: { notificationsUrl: url } };
    }
    if (match[2] === '/notifications' && method === 'POST' && shop.platform === 'shopee') {
      // The partner app's push URL (Open Platform console on the real Shopee).
      const { url } = z.object({ url: z.url().nullable() }).parse(parse());
      shopeeStateOf(shop).pushUrl = url;
      return { status: 200, body: { pushUrl: url } };
    }
    if (match[2] === '/webhooks' && method === 'POST') {
      await Promise.all([webhooks.drain(), mlNotifications.drain(), shopeePushes.drain(), ttsNotifications.drain()]);
      return { status: 200, body: { drained: true } };
    }
    return { status: 405, body: { errors: 'Method not allowed' } };
  }

  function handle(request: IncomingMessage, response: ServerResponse): void {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://emulator');
      const body = await readBody(request);
      if (url.pathname.startsWith('/_emulator/')) return send(response, await control(request.method ?? 'GET', url.pathname, body));
      const kaway = /^\/kaway\/([^/]+)(\/.*)$/.exec(url.pathname);
      if (kaway) return handleKaway(shops.get(decodeURIComponent(kaway[1] as string)), request, response, kaway[2] as string, body, handlerContext());
      const amazon = /^\/amazon\/([^/]+)(\/.*)$/.exec(url.pathname);
      const amazonShop = amazon ? shops.get(decodeURIComponent(amazon[1] as string)) : undefined;
      if (amazon && amazonShop?.platform === 'amazon') {
        const emuRequest: EmuRequest = { method: request.method ?? 'GET', path: amazon[2] as string, query: url.searchParams, headers: request.headers, body };
        return send(response, await handleAmazon(amazonShop, emuRequest, handlerContext()));
      }
      const channel = /^\/(shopify|mercadolivre|shopee|tiktokshop)\/([^/]+)(\/.*)$/.exec(url.pathname);
      if (!channel) return send(response, { status: 404, body: { errors: 'Not Found' } });
      const shop = shops.get(decodeURIComponent(channel[2] as string));
      if (!shop || shop.platform !== channel[1]) return send(response, { status: 404, body: { errors: 'Not Found' } });
      const emuRequest: EmuRequest = { method: request.method ?? 'GET', path: channel[3] as string, query: url.searchParams, headers: request.headers, body };
      if (shop.platform === 'shopee') return send(response, await handleShopee(shop, emuRequest, handlerContext()));
      if (shop.platform === 'mercadolivre') {
        const context = { ...handlerContext(), notify: (s: EmuShop, topic: string, resource: string) => mlNotifications.enqueue(s, topic, resource, now()) };
        return send(response, await handleMercadoLivre(shop, emuRequest, context));
      }
      if (shop.platform === 'tiktokshop') {
        const context = {
          ...handlerContext(),
          notify: (s: EmuShop, type: string, data: Record<string, unknown>) => ttsNotifications.enqueue(s, type, data, now()),
        };
        return send(response, await handleTikTokShop(shop, emuRequest, context));
      }
      send(response, await handleShopify(shop, emuRequest, handlerContext()));
    })().catch((error: Error & { status?: number; issues?: unknown }) => {
      const status = error.status ?? (error.name === 'ZodError' || error instanceof SyntaxError ? 400 : 500);
      if (!response.headersSent) send(response, { status, body: { errors: error.message } });
      else response.destroy();
    });
  }

  return {
    get url() {
      return baseUrl;
    },
    async listen(port = 0, host = '127.0.0.1') {
      server = createServer(handle);
      await new Promise<void>((resolve, reject) => {
        server?.once('error', reject);
        server?.listen(port, host, () => resolve());
      });
      const address = server.address() as AddressInfo;
      baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      if (options.orderIntervalMs) {
        orderTimer = setInterval(() => {
          for (const shop of shops.values()) if (shop.random.chance(0.5)) generateOrders(shop.shop, 1);
        }, options.orderIntervalMs);
        orderTimer.unref();
      }
      return baseUrl;
    },
    async close() {
      if (orderTimer) clearInterval(orderTimer);
      webhooks.stop();
      mlNotifications.stop();
      shopeePushes.stop();
      ttsNotifications.stop();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server?.close(() => resolve()));
      }
      server = null;
    },
    createShop,
    createKawayShop: addKawayShop,
    createAmazonShop: addAmazonShop,
    shop: shopOf,
    setFaults(name, faults) {
      const shop = shopOf(name);
      shop.faults = faultsSchema.parse({ ...shop.faults, ...faults });
    },
    generateOrders,
    uninstallApp,
    drainWebhooks: async () => {
      await Promise.all([webhooks.drain(), mlNotifications.drain(), shopeePushes.drain(), ttsNotifications.drain()]);
    },
    handle,
  };
}

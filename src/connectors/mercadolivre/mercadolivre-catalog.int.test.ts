import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { must } from '../sdk/contract-suite.ts';
import { paginate } from '../sdk/http.ts';
import { mercadoLivreConnector } from './mercadolivre.connector.ts';
import { isForStore, type MlNotification, parseMlNotification, resolveMlNotification } from './notifications.ts';

/** Multiget chunking, scan pagination, variation-safe writes and notification hints, against the emulator. */
let emulator: Emulator;
let n = 0;
beforeAll(async () => {
  emulator = createEmulator({ seed: 'ml-catalog', webhookBatchMs: 5 });
  await emulator.listen(0);
});
afterAll(() => emulator.close());

type Seller = ShopCredentials & { refreshToken: string; userId: string; expiresAt: string };
const newSeller = (extra: Record<string, unknown> = {}) =>
  emulator.createShop({ platform: 'mercadolivre', shop: `ml-cat-${++n}`, products: 45, orders: 5, ...extra }) as Seller;

function connect(seller: Seller, calls: string[] = []) {
  return mercadoLivreConnector.connect({
    credentials: { accessToken: seller.accessToken, refreshToken: seller.refreshToken, userId: seller.userId, expiresAt: seller.expiresAt },
    config: { apiBaseUrl: seller.baseUrl, requestsPerSecond: 100 },
    fetch: async (input, init) => {
      const url = new URL(String(input));
      calls.push(`${init?.method ?? 'GET'} ${url.pathname.replace(/^\/mercadolivre\/[^/]+/, '')}${url.search}`);
      return fetch(input, init);
    },
  });
}

describe('Mercado Livre catalog (emulator)', () => {
  it('reads items through multiget in chunks of at most 20 ids', async () => {
    const calls: string[] = [];
    const client = connect(newSeller(), calls);
    const page = await must(client.listProducts, 'listProducts')({ limit: 45 });
    expect(page.items).toHaveLength(45);
    const multigets = calls.filter((c) => c.startsWith('GET /items?'));
    const sizes = multigets.map((c) => decodeURIComponent(new URL(`http://x${c.slice(4)}`).searchParams.get('ids') ?? '').split(',').length);
    expect(sizes).toEqual([20, 20, 5]);
    // The emulator refuses more than 20, as ML does.
    const seller = newSeller({ products: 1 });
    const ids = Array.from({ length: 21 }, (_, i) => `MLB${3_000_000_000 + i}`).join(',');
    const refused = await fetch(`${seller.baseUrl}/items?ids=${ids}`, { headers: { authorization: `Bearer ${seller.accessToken}` } });
    expect(refused.status).toBe(400);
  });

  it('walks a full scan with scroll_id: every item once, the same scroll across pages, then the end', async () => {
    const calls: string[] = [];
    const client = connect(newSeller(), calls);
    const listProducts = must(client.listProducts, 'listProducts');
    const products = [];
    for await (const product of paginate((cursor) => listProducts({ cursor, limit: 10 }))) products.push(product);
    expect(products).toHaveLength(45);
    expect(new Set(products.map((p) => p.channelId)).size).toBe(45);
    const scans = calls.filter((c) => c.includes('/items/search'));
    expect(scans).toHaveLength(5);
    expect(scans.every((c) => c.includes('search_type=scan'))).toBe(true);
    expect(scans[0]).not.toContain('scroll_id');
    const scrolls = new Set(scans.slice(1).map((c) => new URL(`http://x${c.slice(4)}`).searchParams.get('scroll_id')));
    expect(scrolls.size).toBe(1);
    // A made-up scroll is refused (ML: the scroll expired or does not exist): a cursor to restart from, not to retry.
    const error = await listProducts({ cursor: '10:not-a-scroll' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'cursor_expired', retryable: false, upstreamStatus: 400 });
  });

  it('sends every variation id when changing one variation (ML removes the ones left out)', async () => {
    const client = connect(newSeller());
    const { items } = await must(client.listProducts, 'listProducts')({ limit: 45 });
    const product = must(
      items.find((p) => p.variants.length >= 2),
      'an item with variations',
    );
    const target = must(product.variants[1], 'a variation');
    const levels = await must(client.setInventory, 'setInventory')([{ inventoryItemId: must(target.inventoryItemId, 'a stock id'), available: 42 }]);
    expect(levels[0]?.available).toBe(42);
    const after = must(await must(client.getProduct, 'getProduct')(product.channelId), 'the item');
    expect(after.variants.map((v) => v.channelId)).toEqual(product.variants.map((v) => v.channelId));
    expect(after.variants.find((v) => v.channelId === target.channelId)?.quantity).toBe(42);
  });

  it('a notification is a hint: it is parsed, checked against the store, and the resource re-fetched with the store token', async () => {
    const received: MlNotification[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (c: Buffer) => chunks.push(c));
      request.on('end', () => {
        const parsed = parseMlNotification(Buffer.concat(chunks));
        response.writeHead(parsed ? 200 : 400).end();
        if (parsed) received.push(parsed);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const seller = newSeller({ notificationsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/ml`, orders: 0 });
      const client = connect(seller);
      emulator.generateOrders(seller.shop, 2);
      const { items } = await must(client.listProducts, 'listProducts')({ limit: 1 });
      const item = must(items[0], 'an item');
      await must(client.updateProduct, 'updateProduct')({ channelId: item.channelId, title: 'Renamed by the test' });
      await emulator.drainWebhooks();

      expect(received.filter((r) => r.topic === 'orders_v2')).toHaveLength(2);
      const itemHint = must(
        received.find((r) => r.topic === 'items'),
        'an items notification',
      );
      const store = { userId: seller.userId, applicationId: seller.clientId };
      expect(received.every((r) => isForStore(r, store))).toBe(true);
      const resolved = await resolveMlNotification(client, itemHint);
      expect(resolved.kind === 'product' && resolved.product?.title).toBe('Renamed by the test');
      const orderHint = must(
        received.find((r) => r.topic === 'orders_v2'),
        'an orders_v2 notification',
      );
      const order = await resolveMlNotification(client, orderHint);
      expect(order.kind === 'order' && order.order?.channelId).toBe(orderHint.resource.split('/').at(-1));
      // A forged hint for an order that does not exist changes nothing.
      const forged = await resolveMlNotification(client, { ...orderHint, resource: '/orders/999', hint: { kind: 'order', orderId: '999' } });
      expect(forged).toEqual({ kind: 'order', channelId: '999', order: null });
    } finally {
      server.close();
    }
  });

  it('refuses a title change once the item has sales (as ML does) with a rejected error', async () => {
    const seller = newSeller({ products: 3, orders: 30 });
    const client = connect(seller);
    const orders = await must(client.listOrders, 'listOrders')({ limit: 1 });
    const sold = must(orders.items[0]?.lines[0], 'a sold line');
    const { items } = await must(client.listProducts, 'listProducts')({ limit: 3 });
    const product = must(
      items.find((p) => p.variants.some((v) => v.sku === sold.sku)),
      'the sold item',
    );
    const error = await must(client.updateProduct, 'updateProduct')({ channelId: product.channelId, title: 'New title' }).catch((e: unknown) => e);
    expect((error as { kind?: string }).kind).toBe('rejected');
    expect(String((error as Error).message)).toContain('field_not_updatable');
  });
});

describe('Mercado Livre pacing (emulator)', () => {
  it('without Retry-After, backs off with jitter per endpoint, reports the waits as signals, and completes', async () => {
    const seller = newSeller({ products: 30, orders: 12, requestsPerSecond: 3, burst: 1, sendRetryAfter: false });
    const signals: Array<{ kind: string; retryAfterMs?: number }> = [];
    const client = mercadoLivreConnector.connect({
      credentials: { accessToken: seller.accessToken, refreshToken: seller.refreshToken, userId: seller.userId },
      config: { apiBaseUrl: seller.baseUrl, requestsPerSecond: 20 },
      signals: (signal) => signals.push(signal),
    });
    const collect = async <T>(iterable: AsyncIterable<T>) => {
      const out: T[] = [];
      for await (const item of iterable) out.push(item);
      return out;
    };
    const [products, orders] = await Promise.all([
      collect(paginate((cursor) => must(client.listProducts, 'listProducts')({ cursor, limit: 10 }))),
      collect(paginate((cursor) => must(client.listOrders, 'listOrders')({ cursor, limit: 4 }))),
    ]);
    expect(products).toHaveLength(30);
    expect(orders).toHaveLength(12);
    const limited = emulator.shop(seller.shop).stats.http429;
    expect(limited).toBeGreaterThan(0);
    expect(signals.filter((s) => s.kind === 'retry_after')).toHaveLength(limited);
    expect(signals.every((s) => (s.retryAfterMs ?? 0) >= 100)).toBe(true);
  });
});

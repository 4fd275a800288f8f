import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capabilityNames, connectorInfoSchema, listingSchema, orderSchema, productSchema } from '../../contracts/connectors.ts';
import { type ConnectorError, isConnectorError } from './connector-error.ts';
import { type AnyConnectorDefinition, type ConnectorClient, capabilityMethods } from './define-connector.ts';
import { paginate, type RateLimitSignal } from './http.ts';

/**
 * The contract every connector must pass, run against the marketplace emulator on loopback (never
 * against mocks). A connector test provides a harness that creates emulated stores and controls
 * their faults; the suite checks behaviour, not implementation.
 */
export interface ContractFaults {
  latencyMs?: number;
  errorRate?: number;
  failNext?: number;
  stormRequests?: number;
  stormRetryAfterSeconds?: number;
  dropWrites?: number;
  loseWriteAnswers?: number;
  tokenExpired?: boolean;
}

export interface ContractStoreStats {
  requests: number;
  throttled: number;
  http429: number;
  http5xx: number;
  droppedWrites: number;
  /** Lowest level the channel's rate-limit bucket reached (null when the channel has none): never below 0. */
  minBucketLevel: number | null;
}

export interface ContractStore {
  /** A connected client for the store; `signals` collects rate-limit observations. */
  connect(options?: { signals?: (signal: RateLimitSignal) => void }): ConnectorClient;
  setFaults(faults: ContractFaults): Promise<void>;
  clearFaults(): Promise<void>;
  stats(): Promise<ContractStoreStats>;
  /** What the emulator holds now. */
  counts(): Promise<{ products: number; orders: number }>;
  generateOrders(count: number): Promise<number>;
}

export interface ContractHarness {
  connector: AnyConnectorDefinition;
  /** `tightRateLimit`: a store whose limiter allows only a fraction of normal traffic, to prove pacing. */
  newStore(options: { products: number; orders: number; tightRateLimit?: boolean }): Promise<ContractStore>;
  close(): Promise<void>;
}

const collect = async <T>(iterable: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
};

/** The value, or a test failure naming what was missing (instead of a non-null assertion). */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new Error(`expected ${what}`);
  return value;
}

async function expectConnectorError(run: () => Promise<unknown>): Promise<ConnectorError> {
  try {
    await run();
  } catch (error) {
    expect(isConnectorError(error), `expected a ConnectorError, got ${String(error)}`).toBe(true);
    return error as ConnectorError;
  }
  throw new Error('expected the call to fail');
}

export function runConnectorContract(makeHarness: () => Promise<ContractHarness>): void {
  let harness: ContractHarness;
  let store: ContractStore;
  let client: ConnectorClient;
  const supports = (name: (typeof capabilityNames)[number]) => harness.connector.capabilities[name].level !== 'unsupported';

  beforeAll(async () => {
    harness = await makeHarness();
    store = await harness.newStore({ products: 45, orders: 30 });
    client = store.connect();
  });
  afterAll(async () => harness?.close());

  describe('declaration', () => {
    it('declares every capability, and implements each one it does not mark unsupported', () => {
      const info = connectorInfoSchema.parse(harness.connector.info());
      expect(Object.keys(info.capabilities).sort()).toEqual([...capabilityNames].sort());
      for (const name of capabilityNames) {
        const method = capabilityMethods[name];
        if (!method) continue;
        const implemented = typeof client[method] === 'function';
        expect(implemented, `${name} is ${info.capabilities[name].level} but ${method} is ${implemented ? 'present' : 'missing'}`).toBe(
          info.capabilities[name].level !== 'unsupported',
        );
      }
      expect(JSON.parse(JSON.stringify(info))).toEqual(info);
    });

    it('proves its credentials with testConnection', async () => {
      const identity = await client.testConnection();
      expect(identity.externalId).not.toBe('');
      expect(identity.currency).toMatch(/^[A-Z]{3}$/);
    });
  });

  describe('catalog', () => {
    it('lists every product exactly once across pages, as valid DTOs', async (context) => {
      if (!supports('list_products') || !client.listProducts) return context.skip();
      const listProducts = client.listProducts.bind(client);
      const products = await collect(paginate((cursor) => listProducts({ cursor, limit: 7 })));
      expect(products).toHaveLength((await store.counts()).products);
      expect(new Set(products.map((p) => p.channelId)).size).toBe(products.length);
      for (const product of products) productSchema.parse(product);
      expect(products.flatMap((p) => p.variants).every((v) => Number.isInteger(v.price.amount) && v.sku !== '')).toBe(true);
    });

    it('maps products to one valid listing per variant', async () => {
      if (!client.listProducts) return;
      const { items } = await client.listProducts({ limit: 5 });
      for (const product of items) {
        const listings = client.listingsOf(product);
        expect(listings.map((l) => l.channelVariantId)).toEqual(product.variants.map((v) => v.channelId));
        for (const listing of listings) listingSchema.parse(listing);
      }
    });

    it('creates, reads back, updates, reprices and deletes a product', async (context) => {
      if (!client.createProduct || !client.getProduct) return context.skip();
      const before = (await store.counts()).products;
      const { currency } = await client.testConnection();
      const created = await client.createProduct({
        title: 'Contract Test Hoodie',
        description: 'Made by the contract suite',
        handle: `contract-hoodie-${Date.now()}`,
        variants: [
          { sku: `CT-HOOD-${Date.now()}-M`, price: { amount: 15990, currency }, attributes: { Size: 'M' }, quantity: 4 },
          { sku: `CT-HOOD-${Date.now()}-G`, price: { amount: 16990, currency }, attributes: { Size: 'G' }, quantity: 2 },
        ],
      });
      productSchema.parse(created);
      expect(created.variants.map((v) => v.price.amount).sort()).toEqual([15990, 16990]);
      expect((await store.counts()).products).toBe(before + 1);

      if (client.updateProduct) {
        const updated = await client.updateProduct({ channelId: created.channelId, title: 'Contract Test Hoodie v2', status: 'draft' });
        expect(updated.title).toBe('Contract Test Hoodie v2');
        expect(updated.status).toBe('draft');
      }
      if (client.updatePrices) {
        const variant = must(created.variants[0], 'a created variant');
        await client.updatePrices([{ channelProductId: created.channelId, channelVariantId: variant.channelId, price: { amount: 14990, currency } }]);
        expect((await client.getProduct(created.channelId))?.variants.find((v) => v.channelId === variant.channelId)?.price.amount).toBe(14990);
      }
      if (client.deleteProduct) {
        await client.deleteProduct(created.channelId);
        expect(await client.getProduct(created.channelId)).toBeNull();
        await client.deleteProduct(created.channelId); // deleting what is gone succeeds
        expect((await store.counts()).products).toBe(before);
      }
    });

    it('creates exactly one product when the answer to the create is lost and the call retried', async (context) => {
      if (!client.createProduct) return context.skip();
      const { currency } = await client.testConnection();
      const before = (await store.counts()).products;
      const stamp = Date.now();
      await store.setFaults({ loseWriteAnswers: 1 });
      const created = await client.createProduct({
        title: 'Contract Test Lost Answer',
        handle: `contract-lost-${stamp}`,
        variants: [{ sku: `CT-LOST-${stamp}`, price: { amount: 990, currency }, attributes: {} }],
      });
      await store.clearFaults();
      expect(created.variants.map((v) => v.sku)).toEqual([`CT-LOST-${stamp}`]);
      expect((await store.counts()).products).toBe(before + 1);
      await client.deleteProduct?.(created.channelId);
    });

    it('exports the whole catalog with a bulk operation', async (context) => {
      if (!supports('bulk_operations') || !client.exportProducts) return context.skip();
      const exported = await collect(client.exportProducts({ pollIntervalMs: 20 }));
      expect(exported).toHaveLength((await store.counts()).products);
      for (const product of exported) productSchema.parse(product);
      expect(exported.every((p) => p.variants.length > 0)).toBe(true);
    });
  });

  describe('inventory', () => {
    it('sets quantities and verifies them by reading back', async (context) => {
      if (!client.setInventory || !client.listProducts) return context.skip();
      const { items } = await client.listProducts({ limit: 3 });
      const targets = items.flatMap((p) => p.variants).slice(0, 4);
      const levels = await client.setInventory(targets.map((v, i) => ({ inventoryItemId: must(v.inventoryItemId, 'an inventory item'), available: 10 + i })));
      expect(targets.map((v) => levels.find((l) => l.inventoryItemId === v.inventoryItemId)?.available)).toEqual([10, 11, 12, 13]);
    });

    it('detects a write answered 200 but not applied', async (context) => {
      if (!client.setInventory || !client.listProducts) return context.skip();
      const { items } = await client.listProducts({ limit: 1 });
      const variant = must(items[0]?.variants[0], 'a variant');
      const inventoryItemId = must(variant.inventoryItemId, 'an inventory item');
      await store.setFaults({ dropWrites: 1 });
      const setInventory = client.setInventory.bind(client);
      const error = await expectConnectorError(() => setInventory([{ inventoryItemId, available: 77 }]));
      expect(error.kind).toBe('write_not_applied');
      expect(error.retryable).toBe(true);
      expect((await store.stats()).droppedWrites).toBeGreaterThanOrEqual(1);
      await setInventory([{ inventoryItemId, available: 77 }]); // the retry lands
      await store.clearFaults();
    });
  });

  describe('orders', () => {
    it('pulls every order across pages, and then only what changed', async (context) => {
      if (!supports('pull_orders') || !client.listOrders) return context.skip();
      const listOrders = client.listOrders.bind(client);
      const orders = await collect(paginate((cursor) => listOrders({ cursor, limit: 6 })));
      expect(orders).toHaveLength((await store.counts()).orders);
      expect(new Set(orders.map((o) => o.channelId)).size).toBe(orders.length);
      for (const order of orders) {
        orderSchema.parse(order);
        expect(order.total.amount).toBe(order.lines.reduce((sum, line) => sum + line.total.amount, 0));
      }
      const since = must(
        orders
          .map((o) => o.updatedAt)
          .sort()
          .at(-1),
        'an order',
      );
      await new Promise((resolve) => setTimeout(resolve, 5));
      const created = await store.generateOrders(3);
      const fresh = await collect(paginate((cursor) => listOrders({ cursor, limit: 6, updatedSince: since })));
      expect(fresh.filter((o) => o.updatedAt > since)).toHaveLength(created);
    });
  });

  describe('fulfilment', () => {
    it('fulfils an order, reads it back, and fulfilling again changes nothing', async (context) => {
      if (!supports('fulfill_order') || !client.fulfillOrder || !client.listOrders) return context.skip();
      const fulfillOrder = client.fulfillOrder.bind(client);
      const { items: orders } = await client.listOrders({ limit: 5 });
      const open = must(
        orders.find((o) => o.fulfillmentStatus === 'unfulfilled' && !o.cancelled),
        'an unfulfilled order',
      );
      const shipped = await fulfillOrder({ channelOrderId: open.channelId, tracking: { company: 'Correios', number: 'BR123456789', url: null } });
      expect(shipped.fulfillmentStatus).toBe('fulfilled');
      expect(shipped.updatedAt >= open.updatedAt).toBe(true);
      expect((await fulfillOrder({ channelOrderId: open.channelId })).fulfillmentStatus).toBe('fulfilled');
      const missing = await expectConnectorError(() => fulfillOrder({ channelOrderId: open.channelId.replace(/\d+$/, '999999999') }));
      expect(missing.kind).toBe('not_found');
    });
  });

  describe('failures', () => {
    it('rides out a 429 storm: every operation completes', async () => {
      const storm = await harness.newStore({ products: 12, orders: 5 });
      const stormClient = storm.connect();
      await storm.setFaults({ stormRequests: 6, stormRetryAfterSeconds: 0.05 });
      const products = await collect(paginate((cursor) => must(stormClient.listProducts, 'listProducts').call(stormClient, { cursor, limit: 5 })));
      expect(products).toHaveLength(12);
      expect((await storm.stats()).http429).toBe(6);
    });

    it('paces itself under a tight rate limit: never above it, every operation completes', async () => {
      const tight = await harness.newStore({ products: 30, orders: 10, tightRateLimit: true });
      const signals: RateLimitSignal[] = [];
      const tightClient = tight.connect({ signals: (signal) => signals.push(signal) });
      const results = await Promise.all([
        collect(paginate((cursor) => must(tightClient.listProducts, 'listProducts').call(tightClient, { cursor, limit: 10 }))),
        collect(paginate((cursor) => must(tightClient.listProducts, 'listProducts').call(tightClient, { cursor, limit: 10 }))),
        tightClient.listOrders
          ? collect(paginate((cursor) => must(tightClient.listOrders, 'listOrders').call(tightClient, { cursor, limit: 5 })))
          : Promise.resolve([]),
      ]);
      expect(results[0]).toHaveLength(30);
      expect(results[1]).toHaveLength(30);
      const stats = await tight.stats();
      // At most the first call may be refused (before the connector has seen the limit); none after.
      expect(stats.throttled).toBeLessThanOrEqual(1);
      if (stats.minBucketLevel !== null) expect(stats.minBucketLevel).toBeGreaterThanOrEqual(0);
      expect(signals.length).toBeGreaterThan(0);
    });

    it('retries 5xx answers until the operations complete', async () => {
      const flaky = await harness.newStore({ products: 15, orders: 8 });
      const flakyClient = flaky.connect();
      await flaky.setFaults({ failNext: 2, errorRate: 0.15 });
      const products = await collect(paginate((cursor) => must(flakyClient.listProducts, 'listProducts').call(flakyClient, { cursor, limit: 4 })));
      expect(products).toHaveLength(15);
      if (flakyClient.setInventory) {
        const variant = must(products[0]?.variants[0], 'a variant');
        await flakyClient.setInventory([{ inventoryItemId: must(variant.inventoryItemId, 'an inventory item'), available: 5 }]);
      }
      expect((await flaky.stats()).http5xx).toBeGreaterThanOrEqual(2);
    });

    it('surfaces an expired token as a clear, non-retryable auth error', async () => {
      const expired = await harness.newStore({ products: 2, orders: 0 });
      await expired.setFaults({ tokenExpired: true });
      const error = await expectConnectorError(() => expired.connect().testConnection());
      expect(error.kind).toBe('auth');
      expect(error.retryable).toBe(false);
      // 401 (most channels) or 403 (Amazon SP-API and Shopee answer an expired or invalid access token with 403).
      expect([401, 403]).toContain(error.upstreamStatus);
      expect(error.message).toMatch(/reconnect/i);
      expect(error.message).not.toMatch(/shpat_|token=/);
    });
  });
}

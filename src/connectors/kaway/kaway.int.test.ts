import { describe } from 'vitest';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { kawayConnector } from './kaway.connector.ts';

/** The connector contract for Kaway, against the emulator's feed host on loopback, driven through its control endpoints. */
async function kawayHarness(options: { format?: 'csv' | 'json' } = {}): Promise<ContractHarness> {
  const emulator = createEmulator({ seed: 'contract' });
  const url = await emulator.listen(0);
  let n = 0;
  const control = async (path: string, method = 'GET', body?: unknown) => {
    const response = await fetch(`${url}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`emulator ${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  const format = options.format ?? 'csv';
  return {
    connector: kawayConnector,
    async newStore({ products, orders, tightRateLimit }) {
      const shop = `kaway-${format}-${++n}`;
      const created = await control('/shops', 'POST', {
        platform: 'kaway',
        shop,
        products,
        orders,
        auth: n % 2 ? 'bearer' : 'basic',
        ...(tightRateLimit ? { rateLimit: 2, rateWindowSeconds: 1 } : {}),
      });
      const path = `/shops/${encodeURIComponent(shop)}`;
      return {
        connect: ({ signals } = {}) =>
          kawayConnector.connect({
            credentials: created.auth,
            config: {
              sellerId: shop,
              productsFeedUrl: created.feeds.products[format],
              stockFeedUrl: created.feeds.stock[format],
              ordersFeedUrl: created.feeds.orders[format],
              stockUploadUrl: created.stockUploadUrl,
              uploadFormat: format,
            },
            signals,
          }),
        setFaults: async (faults) => void (await control(`${path}/faults`, 'POST', faults)),
        clearFaults: async () => void (await control(`${path}/faults`, 'DELETE')),
        stats: async () => (await control(path)).stats,
        counts: async () => {
          const summary = await control(path);
          return { products: summary.products, orders: summary.orders };
        },
        generateOrders: async (count) => (await control(`${path}/orders`, 'POST', { count })).created,
      };
    },
    close: () => emulator.close(),
  };
}

describe('Kaway connector contract (emulator feed host, CSV feeds)', () => {
  runConnectorContract(() => kawayHarness({ format: 'csv' }));
});

describe('Kaway connector contract (emulator feed host, JSON feeds)', () => {
  runConnectorContract(() => kawayHarness({ format: 'json' }));
});

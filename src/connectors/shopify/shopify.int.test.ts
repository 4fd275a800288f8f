import { describe } from 'vitest';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { shopifyConnector } from './shopify.connector.ts';

/** The connector contract for Shopify, against the emulator's Admin GraphQL on loopback, driven through its control endpoints. */
async function shopifyHarness(): Promise<ContractHarness> {
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
  return {
    connector: shopifyConnector,
    async newStore({ products, orders, tightRateLimit }) {
      const shop = `contract-${++n}.myshopify.com`;
      const credentials = await control('/shops', 'POST', {
        platform: 'shopify',
        shop,
        products,
        orders,
        ...(tightRateLimit ? { maximumAvailable: 500, restoreRate: 1000, currentlyAvailable: 5 } : {}),
      });
      const path = `/shops/${encodeURIComponent(shop)}`;
      return {
        connect: ({ signals } = {}) =>
          shopifyConnector.connect({ credentials: { accessToken: credentials.accessToken }, config: { shop, apiBaseUrl: credentials.baseUrl }, signals }),
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

describe('Shopify connector contract (emulator)', () => {
  runConnectorContract(shopifyHarness);
});

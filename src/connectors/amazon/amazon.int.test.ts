import { describe } from 'vitest';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { amazonConnector } from './amazon.connector.ts';

/** The connector contract for Amazon SP-API, against the emulator on loopback, driven through its control endpoints. */
async function amazonHarness(): Promise<ContractHarness> {
  const emulator = createEmulator({ seed: 'contract-amazon' });
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
    connector: amazonConnector,
    async newStore({ products, orders, tightRateLimit }) {
      const shop = `amazon-contract-${++n}`;
      const created = await control('/shops', 'POST', {
        platform: 'amazon',
        shop,
        products,
        orders,
        feedDelayMs: 50,
        // Tight: searchListingsItems at 2/s burst 2 and searchOrders at 1/s burst 2 (the connector starts from the published 5/s and 20).
        ...(tightRateLimit ? { rateLimits: { searchListingsItems: { rate: 2, burst: 2 }, searchOrders: { rate: 1, burst: 2 } } } : {}),
      });
      const path = `/shops/${encodeURIComponent(shop)}`;
      return {
        connect: ({ signals } = {}) =>
          amazonConnector.connect({
            credentials: { lwaClientId: created.clientId, lwaClientSecret: created.clientSecret, refreshToken: created.refreshToken },
            config: {
              sellerId: created.sellerId,
              marketplaceId: created.marketplaceId,
              apiBaseUrl: created.baseUrl,
              authUrl: created.authUrl,
              verifyDelayMs: 20,
              verifyAttempts: 3,
              feedPollIntervalMs: 20,
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

describe('Amazon SP-API connector contract (emulator)', () => {
  runConnectorContract(amazonHarness);
});

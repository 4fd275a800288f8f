import { describe } from 'vitest';
import { controlledShop, emulatorControl } from '../../../test/helpers/emulator-control.ts';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { amazonConnector } from './amazon.connector.ts';

/** The connector contract for Amazon SP-API, against the emulator on loopback, driven through its control endpoints. */
async function amazonHarness(): Promise<ContractHarness> {
  const emulator = createEmulator({ seed: 'contract-amazon' });
  const url = await emulator.listen(0);
  let n = 0;
  const control = emulatorControl(url);
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
        ...controlledShop(control, shop),
      };
    },
    close: () => emulator.close(),
  };
}

describe('Amazon SP-API connector contract (emulator)', () => {
  runConnectorContract(amazonHarness);
});

import { describe } from 'vitest';
import { controlledShop, emulatorControl } from '../../../test/helpers/emulator-control.ts';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { shopeeConnector } from './shopee.connector.ts';
import type { ShopeeCredentials } from './shopee-schemas.ts';

/** The connector contract for Shopee, against the emulator's Shopee Open Platform v2 on loopback. */
async function shopeeHarness(): Promise<ContractHarness> {
  const emulator = createEmulator({ seed: 'contract-shopee' });
  const url = await emulator.listen(0);
  let n = 0;
  const control = emulatorControl(url);
  return {
    connector: shopeeConnector,
    async newStore({ products, orders, tightRateLimit }) {
      const shop = `shopee-contract-${++n}`;
      // Tight: 6 calls/s with a burst of 3 for the shop (the connector starts at 10/s).
      const created = await control('/shops', 'POST', {
        platform: 'shopee',
        shop,
        products,
        orders,
        ...(tightRateLimit ? { requestsPerSecond: 6, burst: 3 } : {}),
      });
      let credentials: ShopeeCredentials = {
        partnerId: created.partnerId,
        partnerKey: created.partnerKey,
        shopId: created.shopId,
        accessToken: created.accessToken,
        refreshToken: created.refreshToken,
        expiresAt: created.expiresAt,
      };
      return {
        connect: ({ signals } = {}) =>
          shopeeConnector.connect({
            credentials,
            config: { apiBaseUrl: created.baseUrl },
            onCredentialsRefreshed: async (next) => {
              credentials = next;
            },
            signals,
          }),
        ...controlledShop(control, shop),
      };
    },
    close: () => emulator.close(),
  };
}

describe('Shopee connector contract (emulator)', () => {
  runConnectorContract(shopeeHarness);
});

import { describe } from 'vitest';
import { controlledShop, emulatorControl } from '../../../test/helpers/emulator-control.ts';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { shopifyConnector } from './shopify.connector.ts';

/** The connector contract for Shopify, against the emulator's Admin GraphQL on loopback, driven through its control endpoints. */
async function shopifyHarness(): Promise<ContractHarness> {
  const emulator = createEmulator({ seed: 'contract' });
  const url = await emulator.listen(0);
  let n = 0;
  const control = emulatorControl(url);
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
      return {
        connect: ({ signals } = {}) =>
          shopifyConnector.connect({ credentials: { accessToken: credentials.accessToken }, config: { shop, apiBaseUrl: credentials.baseUrl }, signals }),
        ...controlledShop(control, shop),
      };
    },
    close: () => emulator.close(),
  };
}

describe('Shopify connector contract (emulator)', () => {
  runConnectorContract(shopifyHarness);
});

import { describe } from 'vitest';
import { controlledShop, emulatorControl } from '../../../test/helpers/emulator-control.ts';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { kawayConnector } from './kaway.connector.ts';

/** The connector contract for Kaway, against the emulator's feed host on loopback, driven through its control endpoints. */
async function kawayHarness(options: { format?: 'csv' | 'json' } = {}): Promise<ContractHarness> {
  const emulator = createEmulator({ seed: 'contract' });
  const url = await emulator.listen(0);
  let n = 0;
  const control = emulatorControl(url);
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
        ...controlledShop(control, shop),
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

import { describe } from 'vitest';
import { controlledShop, emulatorControl } from '../../../test/helpers/emulator-control.ts';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { tiktokShopConnector } from './tiktokshop.connector.ts';
import type { TikTokShopCredentials } from './tiktokshop-schemas.ts';

/** The connector contract for TikTok Shop, against the emulator's TikTok Shop API on loopback, driven through its control endpoints. */
async function tiktokShopHarness(): Promise<ContractHarness> {
  const emulator = createEmulator({ seed: 'contract-tts' });
  const url = await emulator.listen(0);
  let n = 0;
  const control = emulatorControl(url);
  return {
    connector: tiktokShopConnector,
    async newStore({ products, orders, tightRateLimit }) {
      const shop = `tts-contract-${++n}`;
      const created = await control('/shops', 'POST', {
        platform: 'tiktokshop',
        shop,
        products,
        orders,
        // Tight: one bucket for every call of the shop, 6/s with a burst of 3 (the connector starts at 10/s).
        ...(tightRateLimit ? { requestsPerSecond: 6, burst: 3, rateLimitScope: 'shop' } : {}),
      });
      let credentials: TikTokShopCredentials = {
        appKey: created.clientId,
        appSecret: created.clientSecret,
        accessToken: created.accessToken,
        refreshToken: created.refreshToken,
        accessTokenExpiresAt: created.expiresAt,
      };
      return {
        connect: ({ signals } = {}) =>
          tiktokShopConnector.connect({
            credentials,
            config: { apiBaseUrl: created.baseUrl, authBaseUrl: created.baseUrl },
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

describe('TikTok Shop connector contract (emulator)', () => {
  runConnectorContract(tiktokShopHarness);
});

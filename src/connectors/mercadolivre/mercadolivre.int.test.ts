import { describe } from 'vitest';
import { controlledShop, emulatorControl } from '../../../test/helpers/emulator-control.ts';
import { createEmulator } from '../../emulator/emulator.ts';
import { type ContractHarness, runConnectorContract } from '../sdk/contract-suite.ts';
import { mercadoLivreConnector } from './mercadolivre.connector.ts';
import type { MercadoLivreCredentials } from './mercadolivre-schemas.ts';

/** The connector contract for Mercado Livre, against the emulator's ML API on loopback, driven through its control endpoints. */
async function mercadoLivreHarness(): Promise<ContractHarness> {
  const emulator = createEmulator({ seed: 'contract-ml' });
  const url = await emulator.listen(0);
  let n = 0;
  const control = emulatorControl(url);
  return {
    connector: mercadoLivreConnector,
    async newStore({ products, orders, tightRateLimit }) {
      const shop = `ml-contract-${++n}`;
      const created = await control('/shops', 'POST', {
        platform: 'mercadolivre',
        shop,
        products,
        orders,
        // Tight: one bucket for every call of the seller, 6/s with a burst of 3 (the connector starts at 10/s).
        ...(tightRateLimit ? { requestsPerSecond: 6, burst: 3, rateLimitScope: 'seller' } : {}),
      });
      let credentials: MercadoLivreCredentials = {
        accessToken: created.accessToken,
        refreshToken: created.refreshToken,
        userId: created.userId,
        expiresAt: created.expiresAt,
      };
      return {
        connect: ({ signals } = {}) =>
          mercadoLivreConnector.connect({
            credentials,
            config: { apiBaseUrl: created.baseUrl, authBaseUrl: created.baseUrl },
            oauthApp: { clientId: created.clientId, clientSecret: created.clientSecret },
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

describe('Mercado Livre connector contract (emulator)', () => {
  runConnectorContract(mercadoLivreHarness);
});

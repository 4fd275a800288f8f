import type { DemoShop } from '../demo-shop.ts';

/** The demo has no ML app to refresh tokens with, so its token lives as long as the process (a restart issues a new one). */
const TEN_YEARS_SECONDS = 10 * 365 * 86_400;

export const mercadoLivreDemoShop: DemoShop = {
  platform: 'mercadolivre',
  name: 'Demo Mercado Livre (emulated)',
  create(emulator, size) {
    const seller = emulator.createShop({
      platform: 'mercadolivre',
      shop: 'demo-seller',
      name: 'Demo Mercado Livre',
      accessTokenTtlSeconds: TEN_YEARS_SECONDS,
      ...size,
    });
    return {
      externalId: String(seller.userId),
      connectorConfig: { apiBaseUrl: seller.baseUrl, authBaseUrl: seller.baseUrl },
      credentials: { accessToken: seller.accessToken, refreshToken: seller.refreshToken, userId: seller.userId, expiresAt: seller.expiresAt },
    };
  },
};

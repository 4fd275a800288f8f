import type { DemoShop } from '../demo-shop.ts';

/** LWA refreshes with the client id and secret the store keeps, so the demo's hourly access tokens renew by themselves. */
export const amazonDemoShop: DemoShop = {
  platform: 'amazon',
  name: 'Demo Amazon (emulated)',
  create(emulator, size) {
    const seller = emulator.createAmazonShop({ platform: 'amazon', shop: 'demo-amazon', ...size });
    return {
      externalId: seller.sellerId,
      connectorConfig: { sellerId: seller.sellerId, marketplaceId: seller.marketplaceId, apiBaseUrl: seller.baseUrl, authUrl: seller.authUrl },
      credentials: { lwaClientId: seller.clientId, lwaClientSecret: seller.clientSecret, refreshToken: seller.refreshToken },
    };
  },
};

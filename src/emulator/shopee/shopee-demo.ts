import type { DemoShop } from '../demo-shop.ts';

/** The partner id and key travel with the credentials (every call is signed with them), so 4-hour tokens refresh by themselves. */
export const shopeeDemoShop: DemoShop = {
  platform: 'shopee',
  name: 'Demo Shopee (emulated)',
  create(emulator, size) {
    const shop = emulator.createShop({ platform: 'shopee', shop: 'demo-shopee', name: 'Demo Shopee', ...size });
    return {
      externalId: String(shop.shopId),
      connectorConfig: { apiBaseUrl: shop.baseUrl },
      credentials: {
        partnerId: shop.partnerId,
        partnerKey: shop.partnerKey,
        shopId: shop.shopId,
        accessToken: shop.accessToken,
        refreshToken: shop.refreshToken,
        expiresAt: shop.expiresAt,
      },
    };
  },
};

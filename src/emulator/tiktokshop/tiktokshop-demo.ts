import type { DemoShop } from '../demo-shop.ts';

/** The app key and secret travel with the credentials (every call is signed with them), so tokens refresh by themselves. */
export const tiktokShopDemoShop: DemoShop = {
  platform: 'tiktokshop',
  name: 'Demo TikTok Shop (emulated)',
  create(emulator, size) {
    const shop = emulator.createShop({ platform: 'tiktokshop', shop: 'demo-tiktok', name: 'Demo TikTok Shop', ...size });
    return {
      externalId: String(shop.shopId),
      connectorConfig: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl },
      credentials: {
        appKey: shop.clientId,
        appSecret: shop.clientSecret,
        accessToken: shop.accessToken,
        refreshToken: shop.refreshToken,
        accessTokenExpiresAt: shop.expiresAt,
        ...(shop.shopCipher ? { shopCipher: shop.shopCipher } : {}),
        ...(shop.shopId ? { shopId: String(shop.shopId) } : {}),
      },
    };
  },
};

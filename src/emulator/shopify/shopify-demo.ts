import type { DemoShop } from '../demo-shop.ts';

export const shopifyDemoShop: DemoShop = {
  platform: 'shopify',
  name: 'Demo Shopify (emulated)',
  create(emulator, size) {
    const shop = emulator.createShop({ platform: 'shopify', shop: 'demo.myshopify.com', name: 'Demo Shopify', ...size });
    return { externalId: shop.shop, connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl }, credentials: { accessToken: shop.accessToken } };
  },
};

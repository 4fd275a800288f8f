import type { DemoShop } from '../demo-shop.ts';

/** A roomier cost bucket than a basic shop's (1,000 points, 50/s), so the demo's first full sync takes seconds, not a minute. */
const DEMO_BUCKET = { maximumAvailable: 4000, restoreRate: 200 };

export const shopifyDemoShop: DemoShop = {
  platform: 'shopify',
  name: 'Demo Shopify (emulated)',
  create(emulator, size) {
    const shop = emulator.createShop({ platform: 'shopify', shop: 'demo.myshopify.com', name: 'Demo Shopify', ...DEMO_BUCKET, ...size });
    return { externalId: shop.shop, connectorConfig: { shop: shop.shop, apiBaseUrl: shop.baseUrl }, credentials: { accessToken: shop.accessToken } };
  },
};

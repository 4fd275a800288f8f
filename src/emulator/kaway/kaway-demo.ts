import type { DemoShop } from '../demo-shop.ts';

export const kawayDemoShop: DemoShop = {
  platform: 'kaway',
  name: 'Demo Kaway (emulated feeds)',
  create(emulator, size) {
    const shop = emulator.createKawayShop({ platform: 'kaway', shop: 'demo-kaway', name: 'Demo Kaway', auth: 'bearer', ...size });
    return {
      externalId: shop.shop,
      connectorConfig: {
        sellerId: shop.shop,
        name: 'Demo Kaway',
        productsFeedUrl: shop.feeds.products.csv,
        stockFeedUrl: shop.feeds.stock.csv,
        ordersFeedUrl: shop.feeds.orders.csv,
        stockUploadUrl: shop.stockUploadUrl,
      },
      credentials: shop.auth,
    };
  },
};

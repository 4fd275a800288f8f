import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../emulator/emulator.ts';
import { shopeeConnector } from './shopee.connector.ts';

/**
 * A page of items costs one get_model_list per item with models (Shopee has no batch form). Those reads go out a
 * few at a time, so a slow answer does not cost the next call its pacing slot: against a shop that answers in
 * 60 ms and allows 100 calls/s, one call at a time would take 60 ms per item.
 */
describe('Shopee catalog reads: model lists in flight together', () => {
  let emulator: Emulator;
  let shop: ShopCredentials;
  const latencyMs = 60;

  beforeAll(async () => {
    emulator = createEmulator({ seed: 'shopee-catalog-in-flight' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopee', shop: 'in-flight', products: 40, orders: 0, requestsPerSecond: 100, burst: 100 });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('reads a page of 40 items in about a quarter of the sequential time, every item with its models', async () => {
    const client = shopeeConnector.connect({
      credentials: {
        partnerId: shop.partnerId,
        partnerKey: shop.partnerKey,
        shopId: shop.shopId,
        accessToken: shop.accessToken,
        refreshToken: shop.refreshToken,
        expiresAt: shop.expiresAt,
      },
      config: { apiBaseUrl: shop.baseUrl, requestsPerSecond: 100 },
    });
    await client.listProducts?.({ cursor: null, limit: 1 }); // the shop's currency is read once per client, before the timing
    emulator.setFaults('in-flight', { latencyMs });
    const before = emulator.shop('in-flight').stats.requests;
    const started = performance.now();
    const page = await client.listProducts?.({ cursor: null, limit: 40 });
    const elapsed = performance.now() - started;
    const calls = emulator.shop('in-flight').stats.requests - before;

    const state = emulator.shop('in-flight');
    const withModels = [...state.products.values()].filter((p) => p.variants.length > 1).length;
    expect(withModels).toBeGreaterThan(10);
    expect(calls).toBeGreaterThanOrEqual(withModels + 2); // get_item_list + get_item_base_info + one get_model_list per item with models
    expect(elapsed).toBeLessThan(calls * latencyMs * 0.5);
    const skus = (variants: Array<{ sku: string | null }>) => variants.map((v) => v.sku).sort();
    expect(page?.items).toHaveLength(40);
    expect(skus((page?.items ?? []).flatMap((p) => p.variants))).toEqual(skus([...state.products.values()].flatMap((p) => p.variants)));
  });
});

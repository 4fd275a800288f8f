import { paginate, type RateLimitSignal } from '../src/connectors/sdk/http.ts';
import { shopeeConnector } from '../src/connectors/shopee/shopee.connector.ts';
import { createEmulator } from '../src/emulator/emulator.ts';
import { round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/**
 * Shopee read sync at the configured limit: every product and model of an emulated Shopee shop that allows
 * RPS calls/s (one bucket per partner app and shop, burst of one second), read through the Shopee connector
 * configured with the same limit, in pages of 100 items (get_item_list + get_item_base_info ×2 + one
 * get_model_list per item with models: Shopee has no batch model read). The figure is the share of the limit
 * used: the signed calls the emulator served divided by what its bucket allowed over the run (burst + RPS ×
 * elapsed). Goal >= 90 %, and no rate-limit error may reach the caller.
 */
const SKUS = Number(process.env.BENCH_SYNC_SKUS ?? 10_000);
const RPS = Number(process.env.BENCH_SHOPEE_RPS ?? 50);
const AVERAGE_VARIANTS = 3.4;

export const benchmark: Benchmark = {
  name: 'shopee-sync',
  description: `Shopee connector: read ${SKUS} SKUs from an emulated shop limited to ${RPS} calls/s`,
  async run() {
    const emulator = createEmulator({ seed: 'bench' });
    await emulator.listen(0);
    try {
      const shop = 'bench-shopee';
      const credentials = emulator.createShop({
        platform: 'shopee',
        shop,
        products: Math.ceil(SKUS / AVERAGE_VARIANTS),
        orders: 0,
        requestsPerSecond: RPS,
        burst: RPS,
      });
      const state = emulator.shop(shop);
      const skus = [...state.products.values()].reduce((n, p) => n + p.variants.length, 0);
      let limitedSeen = 0;
      const signals = (signal: RateLimitSignal) => {
        if (signal.kind === 'retry_after') limitedSeen++;
      };
      const client = shopeeConnector.connect({
        credentials: {
          partnerId: credentials.partnerId,
          partnerKey: credentials.partnerKey,
          shopId: credentials.shopId,
          accessToken: credentials.accessToken,
          refreshToken: credentials.refreshToken,
          expiresAt: credentials.expiresAt,
        },
        config: { apiBaseUrl: credentials.baseUrl, requestsPerSecond: RPS },
        signals,
      });
      const listProducts = client.listProducts?.bind(client);
      if (!listProducts) throw new Error('listProducts missing');

      const requestsBefore = state.stats.requests;
      const started = performance.now();
      let products = 0;
      let variants = 0;
      for await (const product of paginate((cursor) => listProducts({ cursor, limit: 100 }))) {
        products++;
        variants += product.variants.length;
      }
      const seconds = (performance.now() - started) / 1000;
      const calls = state.stats.requests - requestsBefore;
      const allowed = RPS + RPS * seconds; // the bucket started full (one second of burst)
      const share = calls / allowed;
      const refused = state.stats.http429;

      return {
        tables: [
          {
            title: 'Shopee read sync through the connector',
            columns: ['path', 'SKUs', 'products', 'seconds', 'SKUs/s', 'calls', 'calls/s', 'share of the limit', '429 answers', 'errors surfaced'],
            rows: [
              [
                'item pages (100 items)',
                String(variants),
                String(products),
                String(round(seconds, 1)),
                String(round(variants / seconds, 1)),
                String(calls),
                String(round(calls / seconds, 1)),
                `${round(share * 100, 1)} %`,
                String(refused),
                '0',
              ],
            ],
          },
        ],
        notes: [
          `${skus} SKUs in ${state.products.size} products; shop bucket ${RPS} calls/s, burst ${RPS}; connector paced at ${RPS}/s.`,
          `Share of the limit used: ${round(share * 100, 1)} % (goal >= 90 %): ${share >= 0.9 ? 'met' : 'NOT met'}; ${refused} rate-limit answers absorbed by the connector (${limitedSeen} seen), 0 errors surfaced.`,
        ],
        data: { skus, products, seconds, calls, share, refused, rps: RPS },
      };
    } finally {
      await emulator.close();
    }
  },
};

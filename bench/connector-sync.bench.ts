import { paginate, type RateLimitSignal } from '../src/connectors/sdk/http.ts';
import { shopifyConnector } from '../src/connectors/shopify/shopify.connector.ts';
import { createEmulator } from '../src/emulator/emulator.ts';
import { round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/**
 * Connector-level read sync: every product and variant of an emulated Shopify store whose cost bucket
 * restores RESTORE points/s, read through the Shopify connector (cursor pages, as the sync job will).
 * The figure is the share of the limit the connector achieves: the actual cost points Shopify charged
 * divided by what the bucket allowed over the run (initial points + restoreRate × elapsed). Goal >= 90 %,
 * and no throttling error may reach the caller. The bulk-operation export is timed alongside (it is not
 * limited by the bucket). The full sync through jobs and the database is measured once stores and sync exist.
 */
const SKUS = Number(process.env.BENCH_SYNC_SKUS ?? 10_000);
const RESTORE = Number(process.env.BENCH_SYNC_RESTORE_RATE ?? 100);
const AVERAGE_VARIANTS = 3.4;

export const benchmark: Benchmark = {
  name: 'connector-sync',
  description: `Shopify connector: read ${SKUS} SKUs from an emulated store limited to ${RESTORE} cost points/s`,
  async run() {
    const emulator = createEmulator({ seed: 'bench' });
    await emulator.listen(0);
    try {
      const shop = 'bench.myshopify.com';
      const credentials = emulator.createShop({
        platform: 'shopify',
        shop,
        products: Math.ceil(SKUS / AVERAGE_VARIANTS),
        orders: 0,
        maximumAvailable: 1000,
        restoreRate: RESTORE,
        currentlyAvailable: 0,
      });
      const skus = [...emulator.shop(shop).products.values()].reduce((n, p) => n + p.variants.length, 0);
      let charged = 0;
      let throttledSeen = 0;
      const signals = (signal: RateLimitSignal) => {
        if (signal.kind !== 'cost') return;
        charged += signal.actualQueryCost ?? 0;
        if (signal.throttled) throttledSeen++;
      };
      const client = shopifyConnector.connect({
        credentials: { accessToken: credentials.accessToken },
        config: { shop, apiBaseUrl: credentials.baseUrl },
        signals,
      });
      const listProducts = client.listProducts?.bind(client);
      if (!listProducts) throw new Error('listProducts missing');

      const started = performance.now();
      let products = 0;
      let variants = 0;
      for await (const product of paginate((cursor) => listProducts({ cursor, limit: 25 }))) {
        products++;
        variants += product.variants.length;
      }
      const seconds = (performance.now() - started) / 1000;
      const allowed = RESTORE * seconds; // the bucket started empty
      const share = charged / allowed;
      const stats = emulator.shop(shop).stats;

      const bulkStarted = performance.now();
      let exported = 0;
      for await (const product of client.exportProducts?.({ pollIntervalMs: 100 }) ?? []) exported += product.variants.length;
      const bulkSeconds = (performance.now() - bulkStarted) / 1000;

      return {
        tables: [
          {
            title: 'Shopify read sync through the connector',
            columns: ['path', 'SKUs', 'seconds', 'SKUs/s', 'cost points charged', 'share of the limit', 'THROTTLED answers', 'errors surfaced'],
            rows: [
              [
                'cursor pages (25 products)',
                String(variants),
                String(round(seconds, 1)),
                String(round(variants / seconds, 1)),
                String(charged),
                `${round(share * 100, 1)} %`,
                String(stats.throttled),
                '0',
              ],
              [
                'bulk operation (JSONL)',
                String(exported),
                String(round(bulkSeconds, 2)),
                String(round(exported / bulkSeconds, 0)),
                '-',
                'not bucket-limited',
                '-',
                '0',
              ],
            ],
          },
        ],
        notes: [
          `${skus} SKUs in ${products} products; bucket 1000 points, restore ${RESTORE}/s, starting empty.`,
          `Share of the limit used: ${round(share * 100, 1)} % (goal >= 90 %): ${share >= 0.9 ? 'met' : 'NOT met'}; ${stats.throttled} THROTTLED answers absorbed by the connector (${throttledSeen} seen), 0 errors surfaced.`,
        ],
        data: { skus, products, seconds, charged, share, throttled: stats.throttled, bulkSeconds, exported },
      };
    } finally {
      await emulator.close();
    }
  },
};

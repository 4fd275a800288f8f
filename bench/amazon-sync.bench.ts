import { amazonConnector } from '../src/connectors/amazon/amazon.connector.ts';
import type { RateLimitSignal } from '../src/connectors/sdk/http.ts';
import { createEmulator } from '../src/emulator/emulator.ts';
import { round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/**
 * Amazon bulk update: the stock of SKUS SKUs set through the connector's `setInventory`, once item by item
 * (patchListingsItem, published plan 5/s burst 10) and once as one JSON_LISTINGS_FEED (createFeedDocument,
 * upload, createFeed, poll getFeed, report), both verified by reading back (searchListingsItems by SKU, 20 a
 * call, 5/s). The emulator's usage plans are multiplied by SCALE (rate and burst) and the feed's processing time
 * (REAL_FEED_S, an assumption: Amazon publishes none) and poll interval are divided by it, so every time measured
 * here stands for SCALE times as long on Amazon, as long as the run is bound by the limits (checked: the
 * item-by-item path's achieved rate is printed next to its scaled limit). The connector starts from the
 * published plans and adopts the scaled rates from `x-amzn-RateLimit-Limit`, as it would a seller's real ones.
 */
const SKUS = Number(process.env.BENCH_AMAZON_SKUS ?? 10_000);
const SCALE = Number(process.env.BENCH_AMAZON_RATE_SCALE ?? 20);
const REAL_FEED_S = Number(process.env.BENCH_AMAZON_FEED_SECONDS ?? 300);
const REAL_POLL_S = 30;

export const benchmark: Benchmark = {
  name: 'amazon-sync',
  description: `Amazon: stock of ${SKUS} SKUs via JSON_LISTINGS_FEED vs item-by-item PATCH (usage plans x${SCALE})`,
  async run() {
    const emulator = createEmulator({ seed: 'bench-amazon' });
    await emulator.listen(0);
    try {
      const seller = emulator.createAmazonShop({
        platform: 'amazon',
        shop: 'bench-amazon',
        products: Math.ceil(SKUS / 2.5),
        orders: 0,
        rateScale: SCALE,
        feedDelayMs: Math.round((REAL_FEED_S * 1000) / SCALE),
      });
      const skus = [...emulator.shop('bench-amazon').products.values()].flatMap((p) => p.variants.map((v) => v.sku)).slice(0, SKUS);
      if (skus.length < SKUS) throw new Error(`the emulated seller has only ${skus.length} SKUs`);
      const connect = (bulkFeedThreshold: number, signals: (signal: RateLimitSignal) => void) =>
        amazonConnector.connect({
          credentials: { lwaClientId: seller.clientId, lwaClientSecret: seller.clientSecret, refreshToken: seller.refreshToken },
          config: {
            sellerId: seller.sellerId,
            marketplaceId: seller.marketplaceId,
            apiBaseUrl: seller.baseUrl,
            authUrl: seller.authUrl,
            bulkFeedThreshold,
            feedPollIntervalMs: Math.round((REAL_POLL_S * 1000) / SCALE),
            verifyDelayMs: Math.round(2000 / SCALE),
          },
          signals,
        });
      const stats = () => ({ ...emulator.shop('bench-amazon').stats });

      const run = async (label: string, threshold: number, base: number) => {
        let limited = 0;
        const client = connect(threshold, (s) => {
          if (s.kind === 'retry_after') limited++;
        });
        const before = stats();
        const started = performance.now();
        const levels = await client.setInventory?.(skus.map((sku, i) => ({ inventoryItemId: sku, available: base + (i % 50) })));
        const seconds = (performance.now() - started) / 1000;
        const after = stats();
        const wrong = (levels ?? []).filter((l, i) => l.available !== base + (i % 50)).length;
        return { label, seconds, requests: after.requests - before.requests, http429: after.http429 - before.http429, limited, wrong };
      };
      const patch = await run('item by item (patchListingsItem)', SKUS + 1, 100);
      const feed = await run('one JSON_LISTINGS_FEED', 1, 300);
      const ratio = patch.seconds / feed.seconds;
      const patchLimit = 5 * SCALE;
      const row = (r: typeof patch) => [
        r.label,
        String(SKUS),
        String(round(r.seconds, 2)),
        String(round(r.seconds * SCALE, 0)),
        String(r.requests),
        String(r.http429),
        String(r.wrong),
      ];
      return {
        tables: [
          {
            title: `Amazon bulk stock update, ${SKUS} SKUs (emulated usage plans x${SCALE}; feed processing ${REAL_FEED_S} s / ${SCALE})`,
            columns: ['path', 'SKUs', 'seconds (scaled)', 'seconds at real limits', 'SP-API requests', '429 answers', 'wrong read-backs'],
            rows: [row(patch), row(feed)],
          },
        ],
        notes: [
          `Feed vs item-by-item: ${round(ratio, 1)}x faster (${round(patch.seconds, 2)} s vs ${round(feed.seconds, 2)} s scaled; ~${round((patch.seconds * SCALE) / 60, 0)} min vs ~${round((feed.seconds * SCALE) / 60, 0)} min at the published limits).`,
          `Item-by-item achieved ${round(SKUS / patch.seconds, 0)} PATCH/s incl. read-back against a scaled limit of ${patchLimit}/s (bound by the limit when close to it; the read-back is ${Math.ceil(SKUS / 20)} searches at ${5 * SCALE}/s).`,
          `Feed processing time is an assumption (${REAL_FEED_S} s for ${SKUS} messages; Amazon publishes none): at the real limits the feed path is that plus a few calls plus the read-back.`,
        ],
        data: { skus: SKUS, scale: SCALE, realFeedSeconds: REAL_FEED_S, patch, feed, ratio },
      };
    } finally {
      await emulator.close();
    }
  },
};

import { paginate } from '../../src/connectors/sdk/http.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { SYNC_PAGE_SIZE } from '../../src/modules/stores/index.ts';
import { round } from './stats.ts';
import { databaseKinds, type NexoSyncRun, nexoRunsTable, surfacedErrors, syncOnFreshDatabase } from './store-sync.ts';
import type { Benchmark } from './types.ts';

/**
 * A full sync of a channel limited in requests per second (Shopee, TikTok Shop: no limit headers, the
 * connector paces itself at `config.requestsPerSecond`) as a share of that configured limit: the requests the
 * emulated shop served divided by what the limit allowed (rate × seconds). The burst its bucket starts with is
 * not counted as allowance: the connector paces evenly from its first call and does not spend it. Paths: the
 * connector alone (products then orders, pages of SYNC_PAGE_SIZE as the job asks), then Nexo's real path on
 * each database: `nexo serve`, the store connected with POST /api/stores, its `stores.sync` job (store
 * bucket, breaker, page writes) followed to the end (lib/store-sync.ts).
 */
export interface PacedChannel {
  /** Benchmark name (`shopee-sync`) and the channel's display name. */
  name: string;
  title: string;
  platform: 'shopee' | 'tiktokshop';
  /** The shop's limit and the connector's configured rate (requests/s; the shop's burst is one second of it). */
  rate: number;
  skus: number;
  orders: number;
  /** `connector`, `postgres` (needs BENCH_DATABASE_URL), `pglite`. */
  runs: string[];
  /** What one page of products costs in calls (for the description). */
  callsPerPage: string;
  /** Emulator options beyond platform, shop, catalog size and limit (e.g. TikTok's rate-limit scope). */
  shopOptions?: Record<string, unknown>;
  /** The store as POST /api/stores takes it (and the connector alone is configured with). */
  store(shop: ShopCredentials): { connectorConfig: Record<string, unknown>; credentials: Record<string, unknown> };
  connector: {
    connect(raw: { credentials: unknown; config: unknown }): {
      listProducts?: (q: { cursor: string | null; limit: number }) => Promise<{ items: Array<{ variants: unknown[] }>; nextCursor: string | null }>;
      listOrders?: (q: { cursor: string | null; limit: number }) => Promise<{ items: unknown[]; nextCursor: string | null }>;
    };
  };
}

const AVERAGE_VARIANTS = 3.4;
const GOAL = 0.9;

interface Row {
  path: string;
  skus: number;
  orders: number;
  seconds: number;
  requests: number;
  share: number;
  http429: number;
  surfaced: number;
}

export function pacedSyncBenchmark(channel: PacedChannel): Benchmark {
  const { rate, skus: SKUS } = channel;
  const createShop = (emulator: Emulator, shop: string) =>
    emulator.createShop({
      platform: channel.platform,
      shop,
      seed: `bench-${channel.platform}`, // the same catalog for every run
      products: Math.ceil(SKUS / AVERAGE_VARIANTS),
      orders: channel.orders,
      requestsPerSecond: rate,
      burst: rate,
      ...channel.shopOptions,
    } as Parameters<Emulator['createShop']>[0]) as ShopCredentials;
  const row = (path: string, emulator: Emulator, shop: string, seconds: number, counts: { skus: number; orders: number }, surfaced: number): Row => {
    const { requests, http429 } = emulator.shop(shop).stats;
    return { path, ...counts, seconds, requests, share: requests / (rate * seconds), http429, surfaced };
  };

  async function connectorAlone(emulator: Emulator): Promise<Row> {
    const shop = createShop(emulator, `bench-${channel.platform}-connector`);
    const { connectorConfig, credentials } = channel.store(shop);
    const client = channel.connector.connect({ credentials, config: connectorConfig });
    const { listProducts, listOrders } = client;
    if (!listProducts || !listOrders) throw new Error(`${channel.title} connector without listProducts/listOrders`);
    const started = performance.now();
    let skus = 0;
    let orders = 0;
    for await (const product of paginate((cursor) => listProducts.call(client, { cursor, limit: SYNC_PAGE_SIZE }))) skus += product.variants.length;
    for await (const _ of paginate((cursor) => listOrders.call(client, { cursor, limit: SYNC_PAGE_SIZE }))) orders++;
    const seconds = (performance.now() - started) / 1000;
    return row(`connector alone, pages of ${SYNC_PAGE_SIZE}`, emulator, shop.shop, seconds, { skus, orders }, 0);
  }

  async function throughNexo(emulator: Emulator, kind: NexoSyncRun['database'], adminUrl: string | undefined) {
    let shop: ShopCredentials | undefined;
    const atLimitSeconds = (SKUS / AVERAGE_VARIANTS) * 2; // generous: Shopee reads about one call per product
    const nexo = await syncOnFreshDatabase(
      kind,
      adminUrl,
      () => {
        shop = createShop(emulator, `bench-${channel.platform}-${kind}`);
        return { platform: channel.platform, name: `Bench ${kind}`, ...channel.store(shop) };
      },
      { timeoutMs: Math.round((atLimitSeconds / rate) * 5_000 + 180_000) },
    );
    if (!shop) throw new Error('no shop was created');
    const f = nexo.figures;
    const seconds = (f.finishedAt - f.postedAt) / 1000;
    const path = `Nexo: stores.sync job, ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}`;
    return { ...nexo, row: row(path, emulator, shop.shop, seconds, { skus: f.rows.variants, orders: f.rows.orders }, surfacedErrors(f)) };
  }

  return {
    name: channel.name,
    description: `${channel.title} full sync of ${SKUS} SKUs and ${channel.orders} orders from an emulated shop limited to ${rate} requests/s (${channel.callsPerPage}): ${channel.runs.join(', ')}`,
    async run() {
      const adminUrl = process.env.BENCH_DATABASE_URL;
      const emulator = createEmulator({ seed: `bench-${channel.platform}` });
      await emulator.listen(0, '127.0.0.1');
      const rows: Row[] = [];
      const nexoRuns: Array<NexoSyncRun & { row: Row }> = [];
      const notes: string[] = [];
      try {
        if (channel.runs.includes('connector')) rows.push(await connectorAlone(emulator));
        for (const kind of databaseKinds(channel.runs, adminUrl, notes)) {
          const run = await throughNexo(emulator, kind, adminUrl);
          nexoRuns.push(run);
          rows.push(run.row);
        }
      } finally {
        await emulator.close();
      }
      const pct = (share: number) => `${round(share * 100, 1)} %`;
      for (const r of rows)
        notes.push(
          `${r.path}: ${pct(r.share)} of the limit (goal >= ${GOAL * 100} %: ${r.share >= GOAL ? 'met' : 'NOT met'}); ${r.http429} 429 answers, ${r.surfaced} errors surfaced.`,
        );
      for (const run of nexoRuns) if (run.figures.problems.length > 0) notes.push(`  ${run.database} job log: ${run.figures.problems.join(' | ')}`);
      return {
        tables: [
          {
            title: `${channel.title} full sync at ${rate} requests/s (burst ${rate}); share = requests / (rate × seconds)`,
            columns: ['path', 'SKUs', 'orders', 'seconds', 'SKUs/s', 'requests', 'requests/s', 'share of the limit', '429 answers', 'errors surfaced'],
            rows: rows.map((r) => [
              r.path,
              r.skus,
              r.orders,
              round(r.seconds, 1),
              round(r.skus / r.seconds, 1),
              r.requests,
              round(r.requests / r.seconds, 1),
              pct(r.share),
              r.http429,
              r.surfaced,
            ]),
          },
          ...(nexoRuns.length > 0 ? [nexoRunsTable(nexoRuns)] : []),
        ],
        notes,
        data: {
          skus: SKUS,
          orders: channel.orders,
          rate,
          pageSize: SYNC_PAGE_SIZE,
          rows,
          nexo: nexoRuns.map((r) => ({ database: r.database, label: r.label, ...r.figures })),
          goal: GOAL,
        },
      };
    },
  };
}

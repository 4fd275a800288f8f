import { paginate } from '../src/connectors/sdk/http.ts';
import { shopifyConnector } from '../src/connectors/shopify/shopify.connector.ts';
import { createEmulator, type Emulator, type ShopCredentials } from '../src/emulator/emulator.ts';
import { shopifyStateOf } from '../src/emulator/shopify/shopify-state.ts';
import { SYNC_PAGE_SIZE } from '../src/modules/stores/index.ts';
import { round } from './lib/stats.ts';
import { type DatabaseKind, databaseKinds, type NexoSyncRun, nexoRunsTable, surfacedErrors, syncOnFreshDatabase } from './lib/store-sync.ts';
import type { Table } from './lib/table.ts';
import type { Benchmark } from './lib/types.ts';

/**
 * `sync`: a full sync of an emulated Shopify store (BENCH_SYNC_SKUS SKUs) whose cost bucket holds 1,000 points,
 * restores BENCH_SYNC_RESTORE_RATE points/s and starts empty, through Nexo's real path: POST /api/stores on a
 * `nexo serve` queues `stores.sync` (pg-boss), whose handler pages through the Shopify connector behind the
 * store's breaker and token bucket and writes products, variants, listings and stock levels. On PostgreSQL
 * (BENCH_DATABASE_URL) and on embedded PGlite. The figure is the share of the limit used: the cost points the
 * emulated Shopify charged (sum of actualQueryCost) divided by what its bucket allowed from the POST to the job's
 * end (restore rate × elapsed). For reference, the connector alone (same page size, no jobs, limiter or writes)
 * and the bulk-operation export (not charged to the bucket; Nexo's sync does not use it) run on the same catalog.
 */
const SKUS = Number(process.env.BENCH_SYNC_SKUS ?? 10_000);
const RESTORE = Number(process.env.BENCH_SYNC_RESTORE_RATE ?? 100);
const BUCKET = 1000;
const AVERAGE_VARIANTS = 3.4;
const GOAL = 0.9;
/** Which runs: `connector` (the connector alone + bulk export), `postgres` (needs BENCH_DATABASE_URL), `pglite`. */
const RUNS = (process.env.BENCH_SYNC_RUNS ?? 'connector,postgres,pglite').split(',').map((s) => s.trim());

interface ShopRun {
  shop: string;
  credentials: ShopCredentials;
  skus: number;
  products: number;
}

/** A new shop per run, its bucket empty from `emptyAt` (set after the catalog is generated). */
function createShop(emulator: Emulator, label: string): ShopRun & { emptyAt: number } {
  const shop = `bench-${label}.myshopify.com`;
  const credentials = emulator.createShop({
    platform: 'shopify',
    shop,
    seed: 'bench-sync', // the same catalog for every run
    products: Math.ceil(SKUS / AVERAGE_VARIANTS),
    orders: 0,
    maximumAvailable: BUCKET,
    restoreRate: RESTORE,
  });
  const state = emulator.shop(shop);
  const skus = [...state.products.values()].reduce((n, p) => n + p.variants.length, 0);
  const emptyAt = Date.now();
  Object.assign(shopifyStateOf(state).bucket, { available: 0, at: emptyAt });
  return { shop, credentials, skus, products: state.products.size, emptyAt };
}

/**
 * Samples the shop's bucket every 50 ms until `until(endMs)`: how long it sat full up to `endMs` (restored points
 * thrown away while the client was busy elsewhere, e.g. writing a page) and its level at `endMs` (left unused).
 */
function watchBucket(emulator: Emulator, shop: string) {
  const bucket = shopifyStateOf(emulator.shop(shop)).bucket;
  const level = () => Math.min(bucket.maximumAvailable, bucket.available + ((Date.now() - bucket.at) / 1000) * bucket.restoreRate);
  const samples: Array<[number, number]> = [];
  const timer = setInterval(() => samples.push([Date.now(), level()]), 50);
  return {
    until(endMs: number) {
      clearInterval(timer);
      const kept = samples.filter(([at]) => at <= endMs);
      let fullMs = 0;
      for (let i = 1; i < kept.length; i++) {
        const [at, value] = kept[i] as [number, number];
        if (value >= bucket.maximumAvailable - 0.5) fullMs += at - (kept[i - 1] as [number, number])[0];
      }
      const timeline = process.env.BENCH_SYNC_DEBUG ? kept.filter((_, i) => i % 10 === 0).map(([, v]) => Math.round(v)) : undefined;
      return { secondsFull: fullMs / 1000, levelAtEnd: Math.round(kept.at(-1)?.[1] ?? 0), ...(timeline ? { timeline } : {}) };
    },
  };
}

/** What the shop charged (sum of actualQueryCost) and how often it answered THROTTLED. */
function usage(emulator: Emulator, shop: string) {
  const { stats } = emulator.shop(shop);
  return { charged: stats.pointsCharged, throttled: stats.throttled + stats.http429 };
}

interface Row {
  path: string;
  skus: number;
  seconds: number;
  charged: number;
  share: number;
  throttledAnswers: number;
  surfaced: number | string;
  /** Seconds the bucket sat full (points thrown away) and its level at the end (points left unused). */
  bucket?: { secondsFull: number; levelAtEnd: number; timeline?: number[] };
}

/** The connector alone: cursor pages as the sync job reads them, then the bulk export of the same catalog. */
async function connectorOnly(emulator: Emulator): Promise<{ paged: Row; bulk: Row }> {
  const run = createShop(emulator, 'connector');
  const watch = watchBucket(emulator, run.shop);
  const client = shopifyConnector.connect({
    credentials: { accessToken: run.credentials.accessToken },
    config: { shop: run.shop, apiBaseUrl: run.credentials.baseUrl },
  });
  const listProducts = client.listProducts?.bind(client);
  if (!listProducts) throw new Error('listProducts missing');
  let variants = 0;
  for await (const product of paginate((cursor) => listProducts({ cursor, limit: SYNC_PAGE_SIZE }))) variants += product.variants.length;
  const endMs = Date.now();
  const bucket = watch.until(endMs);
  const seconds = (endMs - run.emptyAt) / 1000;
  const { charged, throttled } = usage(emulator, run.shop);

  const bulkStarted = performance.now();
  let exported = 0;
  for await (const product of client.exportProducts?.({ pollIntervalMs: 100 }) ?? []) exported += product.variants.length;
  const bulkSeconds = (performance.now() - bulkStarted) / 1000;
  return {
    paged: {
      path: `connector alone, cursor pages of ${SYNC_PAGE_SIZE}`,
      skus: variants,
      seconds,
      charged,
      share: charged / (RESTORE * seconds),
      throttledAnswers: throttled,
      surfaced: 0,
      bucket,
    },
    bulk: {
      path: 'connector alone, bulk operation (JSONL)',
      skus: exported,
      seconds: bulkSeconds,
      charged: Number.NaN,
      share: Number.NaN,
      throttledAnswers: 0,
      surfaced: 0,
    },
  };
}

interface NexoRun extends NexoSyncRun {
  row: Row;
  catalog: { skus: number; products: number };
}

async function throughNexo(emulator: Emulator, kind: DatabaseKind, adminUrl: string | undefined): Promise<NexoRun> {
  let run: ReturnType<typeof createShop> | undefined;
  let watch: ReturnType<typeof watchBucket> | undefined;
  const expectedSeconds = (SKUS * 2) / RESTORE;
  const nexo = await syncOnFreshDatabase(
    kind,
    adminUrl,
    () => {
      run = createShop(emulator, kind);
      watch = watchBucket(emulator, run.shop);
      return {
        platform: 'shopify',
        name: `Bench ${kind}`,
        connectorConfig: { shop: run.shop, apiBaseUrl: run.credentials.baseUrl },
        credentials: { accessToken: run.credentials.accessToken },
      };
    },
    { timeoutMs: Math.round(expectedSeconds * 5_000 + 120_000) },
  );
  if (!run || !watch) throw new Error('no shop was created');
  const { figures } = nexo;
  const bucket = watch.until(figures.finishedAt);
  const seconds = (figures.finishedAt - run.emptyAt) / 1000;
  const { charged, throttled } = usage(emulator, run.shop);
  return {
    ...nexo,
    row: {
      path: `Nexo: stores.sync job, ${kind === 'postgres' ? 'PostgreSQL' : 'PGlite'}`,
      skus: figures.rows.variants,
      seconds,
      charged,
      share: charged / (RESTORE * seconds),
      throttledAnswers: throttled,
      surfaced: surfacedErrors(figures),
      bucket,
    },
    catalog: { skus: run.skus, products: run.products },
  };
}

const pct = (share: number) => (Number.isFinite(share) ? `${round(share * 100, 1)} %` : 'not bucket-limited');

export const benchmark: Benchmark = {
  name: 'sync',
  description: `Shopify full sync of ${SKUS} SKUs from an emulated store limited to ${RESTORE} cost points/s (bucket ${BUCKET}, starting empty): stores.sync through nexo serve (${RUNS.join(', ')})`,
  async run() {
    const adminUrl = process.env.BENCH_DATABASE_URL;
    const emulator = createEmulator({ seed: 'bench-sync' });
    await emulator.listen(0, '127.0.0.1');
    const rows: Row[] = [];
    const nexoRuns: NexoRun[] = [];
    const notes: string[] = [];
    let connector: { paged: Row; bulk: Row } | undefined;
    try {
      if (RUNS.includes('connector')) {
        connector = await connectorOnly(emulator);
        rows.push(connector.paged, connector.bulk);
      }
      for (const kind of databaseKinds(RUNS, adminUrl, notes)) {
        const run = await throughNexo(emulator, kind, adminUrl);
        nexoRuns.push(run);
        rows.push(run.row);
      }
    } finally {
      await emulator.close();
    }

    const tables: Table[] = [
      {
        title: `Shopify full sync, ${RESTORE} cost points/s (bucket ${BUCKET}, empty at the start)`,
        columns: [
          'path',
          'SKUs',
          'seconds',
          'SKUs/s',
          'points charged',
          'points/s',
          'share of the limit',
          'bucket full s',
          'left at end',
          'THROTTLED answers',
          'throttling errors surfaced',
        ],
        rows: rows.map((r) => [
          r.path,
          r.skus,
          round(r.seconds, 1),
          round(r.skus / r.seconds, 1),
          Number.isFinite(r.charged) ? r.charged : '-',
          Number.isFinite(r.charged) ? round(r.charged / r.seconds, 1) : '-',
          pct(r.share),
          r.bucket ? round(r.bucket.secondsFull, 1) : '-',
          r.bucket ? r.bucket.levelAtEnd : '-',
          r.throttledAnswers,
          r.surfaced,
        ]),
      },
    ];
    if (nexoRuns.length > 0) tables.push(nexoRunsTable(nexoRuns));
    for (const run of nexoRuns) {
      const { share } = run.row;
      notes.push(
        `${run.label}: ${run.catalog.skus} SKUs in ${run.catalog.products} products; share of the limit ${pct(share)} (goal >= ${GOAL * 100} %): ${share >= GOAL ? 'met' : 'NOT met'}; ${run.row.surfaced} throttling errors surfaced (goal 0): ${run.row.surfaced === 0 ? 'met' : 'NOT met'}; wall ${round(run.figures.wallSeconds, 1)} s.`,
      );
      if (run.figures.problems.length > 0) notes.push(`  ${run.database} job log: ${run.figures.problems.join(' | ')}`);
    }
    notes.push(
      "Nexo's full sync reads cursor pages of Admin GraphQL (listProducts), so its share is the paged-GraphQL share; the bulk export row is for comparison only.",
    );
    return {
      tables,
      notes,
      data: {
        skus: SKUS,
        restoreRate: RESTORE,
        bucket: BUCKET,
        pageSize: SYNC_PAGE_SIZE,
        connector: connector ?? null,
        nexo: nexoRuns.map((r) => ({ database: r.database, label: r.label, ...r.row, ...r.figures, catalog: r.catalog })),
        goal: GOAL,
      },
    };
  },
};

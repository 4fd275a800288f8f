import { sql } from 'drizzle-orm';
import { type Database, openDatabase, selectRows } from '../src/db/client.ts';
import { type Ctx, systemActor } from '../src/db/context.ts';
import { migrateDatabase } from '../src/db/migrate.ts';
import { withTransaction } from '../src/db/transaction.ts';
import { createLogger } from '../src/lib/logger.ts';
import { initializeDailyTasks } from '../src/modules/agents/index.ts';
import { createStore } from '../src/modules/stores/index.ts';
import { createOrg } from '../src/modules/tenancy/index.ts';
import { createThrowawayDatabase, type ThrowawayDatabase } from './lib/databases.ts';
import { round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/**
 * A daily run of every agent (issue 8): 6 stores × BENCH_AGENTS_LISTINGS listings (default 10,000) with a realistic
 * mix of problems, seeded straight into the catalog and order tables by SQL, then `initializeDailyTasks` once
 * (every channel agent, then the master). On PostgreSQL when BENCH_DATABASE_URL is set (a throwaway database),
 * on embedded PGlite otherwise.
 */

const LISTINGS = Number(process.env.BENCH_AGENTS_LISTINGS ?? 10_000);
const log = createLogger({ level: 'warn', pretty: false });
/** Six stores on five channels (SHEIN has no connector yet; Amazon has two stores). */
const storesToSeed = [
  { platform: 'amazon', name: 'Amazon BR' },
  { platform: 'amazon', name: 'Amazon US' },
  { platform: 'shopee', name: 'Shopee' },
  { platform: 'mercadolivre', name: 'Mercado Livre' },
  { platform: 'tiktokshop', name: 'TikTok Shop' },
  { platform: 'kaway', name: 'Kaway' },
];

/**
 * One store's catalog and 60 days of orders, set-based. Per listing i (deterministic by i):
 * short titles (1 in 10), long titles (1 in 25), few images (1 in 5), no video (4 in 5), few attributes
 * (1 in 6), price 40 % over its type's median (1 in 12), out of stock (1 in 20), low cover (1 in 8);
 * a third of the SKUs sell, a quarter of those falling; 3 % of orders cancelled. SKUs shared by the stores
 * (the first 2,000 products) make cross-channel opportunities for the master.
 */
async function seedStore(db: Database['db'], orgId: string, storeId: string, s: number) {
  const n = LISTINGS;
  const now = new Date();
  await db.execute(sql`
    insert into products (id, org_id, title, description, product_type, status, image_count, video_count, origin_store_id, origin_channel_id, created_at, updated_at)
    select gen_random_uuid(), ${orgId}, case when i % 10 = 0 then 'Tee ' || i when i % 25 = 0 then repeat('Premium cotton tee with long lasting colours ', 6) || i else 'Organic cotton t-shirt, regular fit, size M, colour ' || (i % 12) || ' model ' || i end,
      case when i % 7 = 0 then '' else repeat('Soft breathable organic cotton. ', 8) end, 'type-' || (i % 40), 'active',
      case when i % 5 = 0 then 1 else 4 + i % 5 end, case when i % 5 = 0 then 1 else 0 end, ${storeId}, 'p' || ${s} || '-' || i, ${now}, ${now}
    from generate_series(1, ${n}) as i`);
  await db.execute(sql`
    insert into product_variants (id, org_id, product_id, sku, title, attributes, price_amount, currency, created_at, updated_at)
    select gen_random_uuid(), p.org_id, p.id, case when i <= 2000 then 'SHARED-' || i else 'S' || ${s} || '-' || i end, 'M',
      case when i % 6 = 0 then '{}'::jsonb else '{"Size": "M", "Colour": "Blue", "Material": "Cotton"}'::jsonb end,
      case when i % 12 = 0 then 7000 else 4500 + (i % 9) * 100 end, 'BRL', ${now}, ${now}
    from products p, lateral (select split_part(p.origin_channel_id, '-', 2)::int as i) x
    where p.org_id = ${orgId} and p.origin_store_id = ${storeId}
    on conflict (org_id, sku) where sku is not null do nothing`);
  await db.execute(sql`
    insert into listings (id, org_id, store_id, variant_id, channel_listing_id, channel_variant_id, status, title, price_amount, currency, fields, synced_at)
    select gen_random_uuid(), ${orgId}, ${storeId}, v.id, 'l' || x.i, 'v' || x.i, 'active', p.title, v.price_amount, 'BRL', '{}'::jsonb, ${now}
    from generate_series(1, ${n}) as x(i)
      join product_variants v on v.org_id = ${orgId} and v.sku = case when x.i <= 2000 then 'SHARED-' || x.i else 'S' || ${s} || '-' || x.i end
      join products p on p.id = v.product_id`);
  await db.execute(sql`
    insert into inventory_levels (org_id, store_id, variant_id, available, synced_at)
    select ${orgId}, ${storeId}, l.variant_id, case when split_part(l.channel_variant_id, 'v', 2)::int % 20 = 0 then 0 when split_part(l.channel_variant_id, 'v', 2)::int % 8 = 0 then 2 else 60 end, ${now}
    from listings l where l.store_id = ${storeId}`);
  // Orders: SKUs i % 3 = 0 sell; those with i % 4 = 0 sold in the first half of the window only (a decline).
  await db.execute(sql`
    insert into orders (id, org_id, store_id, channel_order_id, number, currency, subtotal_amount, total_amount, financial_status, fulfillment_status, cancelled, channel_created_at, channel_updated_at, synced_at)
    select gen_random_uuid(), ${orgId}, ${storeId}, 'o' || i || '-' || d, '#' || i || '-' || d, 'BRL', 5000, 5000, 'paid', 'fulfilled', (i + d) % 33 = 0,
      ${now}::timestamptz - ((case when i % 4 = 0 then 16 + d * 3 else d * 5 end) || ' days')::interval - interval '1 hour', ${now}, ${now}
    from generate_series(3, ${n}, 3) as i, generate_series(0, 3) as d`);
  await db.execute(sql`
    insert into order_lines (id, org_id, order_id, channel_line_id, sku, title, quantity, unit_price_amount, total_amount)
    select gen_random_uuid(), o.org_id, o.id, '1', case when split_part(substr(o.channel_order_id, 2), '-', 1)::int <= 2000 then 'SHARED-' else 'S' || ${s} || '-' end || split_part(substr(o.channel_order_id, 2), '-', 1),
      'item', 1 + split_part(substr(o.channel_order_id, 2), '-', 1)::int % 3, 5000, 5000
    from orders o where o.store_id = ${storeId}`);
}

async function runOn(kind: 'postgres' | 'pglite') {
  let throwaway: ThrowawayDatabase | undefined;
  let database: Database;
  if (kind === 'postgres') {
    throwaway = await createThrowawayDatabase(process.env.BENCH_DATABASE_URL as string);
    database = await openDatabase({ url: throwaway.url, log, poolSize: 10 });
  } else {
    database = await openDatabase({ log });
  }
  try {
    await migrateDatabase(database);
    const now = new Date();
    const audit = { actor: systemActor('bench'), requestId: null, ip: null, now };
    const org = await withTransaction(database.db, (tx) => createOrg(tx, audit, { slug: `bench-agents-${Date.now()}`, name: 'Bench agents' }));
    const ctx: Ctx = {
      orgId: org.id,
      actor: systemActor('bench'),
      permissions: new Set(),
      db: database.db,
      log,
      now,
      requestId: null,
      ip: null,
    };
    const seedStarted = performance.now();
    for (const [i, s] of storesToSeed.entries()) {
      const store = await createStore(ctx, s);
      await seedStore(database.db, org.id, store.id, i);
    }
    // Planner statistics, as a synced database would have them (autovacuum analyses after bulk writes).
    await database.db.execute(sql`analyze`);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 50);
    const started = performance.now();
    const summary = await initializeDailyTasks({ db: database.db, log }, org.id, { trigger: 'manual' });
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    const proposals = summary.runs.reduce((s, r) => s + r.proposalsFound, 0);
    const [{ n: listings } = { n: 0 }] = await selectRows<{ n: number }>(database.db, sql`select count(*)::int as n from listings where org_id = ${org.id}`);
    return {
      kind,
      listings,
      seedSeconds: round(seedSeconds, 1),
      seconds: round(seconds, 2),
      runs: summary.runs.length,
      failed: summary.failed,
      proposals,
      tasks: summary.tasksCreated,
      proposalsPerSecond: round(proposals / seconds, 0),
      tasksPerSecond: round(summary.tasksCreated / seconds, 1),
      peakRssMiB: round(peakRss / 2 ** 20, 0),
      perAgent: summary.runs.map((r) => ({ agent: r.agentId, status: r.status, proposals: r.proposalsFound, tasks: r.tasksCreated })),
    };
  } finally {
    await database.close();
    await throwaway?.drop();
  }
}

export const benchmark: Benchmark = {
  name: 'agents',
  description: `daily run of every agent (initializeDailyTasks) on 6 stores × ${LISTINGS.toLocaleString('en')} listings seeded by SQL`,
  async run() {
    const kinds: Array<'postgres' | 'pglite'> = process.env.BENCH_DATABASE_URL ? ['postgres', 'pglite'] : ['pglite'];
    const results = [];
    for (const kind of kinds) results.push(await runOn(kind));
    return {
      tables: [
        {
          title: 'Daily run of all agents',
          columns: ['database', 'listings', 'seed s', 'run s', 'proposals', 'tasks', 'proposals/s', 'tasks/s', 'peak RSS MiB', 'failed runs'],
          rows: results.map((r) => [
            r.kind,
            r.listings,
            r.seedSeconds,
            r.seconds,
            r.proposals,
            r.tasks,
            r.proposalsPerSecond,
            r.tasksPerSecond,
            r.peakRssMiB,
            r.failed,
          ]),
        },
      ],
      notes: results.map(
        (r) => `${r.kind}: ${r.perAgent.map((a) => `${a.agent.replace('marketplace-', '')} ${a.tasks}/${a.proposals}`).join(', ')} (tasks/proposals)`,
      ),
      data: { results },
    };
  },
};

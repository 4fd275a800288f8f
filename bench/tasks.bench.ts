import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon, { type Options, type Result } from 'autocannon';
import { createLogger } from '../src/lib/logger.ts';
import { ensureWebBuild } from '../src/main/web-build.ts';
import { signIn } from '../test/helpers/api-client.ts';
import { type BenchDatabase, type DirectConnection, pgliteDatabase, postgresDatabase } from './lib/databases.ts';
import { cpuSeconds, makeTempDir, memoryMiB, type ServerProcess, startNexoServe } from './lib/server.ts';
import { percentile, ratio, round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/**
 * (d) Task orchestration: (a) POST /api/orchestration/tasks by 50 concurrent agent clients against
 * (b) the same row shape INSERTed straight into marketplace_tasks by 50 concurrent connections, and
 * (c) list and stats reads over a table seeded with 1,000,000 tasks (100,000 on PGlite).
 * On PostgreSQL when BENCH_DATABASE_URL is set (a throwaway database), on embedded PGlite otherwise.
 */

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const SECONDS = Number(process.env.BENCH_TASKS_SECONDS ?? process.env.BENCH_HTTP_SECONDS ?? 10);
/** Rounds of (a) and (b) on PostgreSQL, taking turns (the first one alternating), so both see the same machine; PGlite runs one (one owner at a time). */
const CREATE_ROUNDS = Number(process.env.BENCH_TASKS_ROUNDS ?? 3);
const SEED_POSTGRES = Number(process.env.BENCH_TASKS_SEED ?? 1_000_000);
const SEED_PGLITE = Number(process.env.BENCH_TASKS_SEED_PGLITE ?? 100_000);
/** Sequential requests per read endpoint, each endpoint capped at READ_BUDGET_MS of wall time. */
const READS = Number(process.env.BENCH_TASKS_READS ?? 300);
const READ_WARMUP = 5;
const READ_BUDGET_MS = 10_000;
/** Nexo's own pool size (NEXO_DB_POOL_SIZE); unset = Nexo's default (10). BENCH_TASKS_SERVER_NODE_OPTIONS: NODE_OPTIONS for the server. */
const NEXO_POOL_SIZE = process.env.BENCH_TASKS_NEXO_POOL_SIZE;
/** (b) and (b') go through a pool the size of Nexo's ("the same pool"); BENCH_TASKS_RAW_POOL_SIZE overrides it. */
const RAW_POOL_SIZE = Number(process.env.BENCH_TASKS_RAW_POOL_SIZE ?? NEXO_POOL_SIZE ?? 10);
const GOALS = { ratio: 0.7, readP95Ms: 50 };

const log = createLogger({ level: 'warn', pretty: false });
const marketplaces = ['amazon', 'shopee', 'mercadolivre', 'shein', 'tiktokshop', 'kaway'] as const;
const categories = ['optimization', 'best-practice', 'scaling', 'analysis'] as const;
const priorities = ['high', 'medium', 'low'] as const;
const ownerEmail = 'bench-owner@nexo.local';
const ownerPassword = randomBytes(18).toString('base64url');
/** One MARKETPLACE_<AGENT>_TOKEN per marketplace (seed 001 env tokens, bound to the default org). */
const agentTokens = Object.fromEntries(marketplaces.map((m) => [m, `bench-${m}-${randomBytes(16).toString('hex')}`])) as Record<
  (typeof marketplaces)[number],
  string
>;

interface Target extends BenchDatabase {
  seedRows: number;
}

function startServer(target: Target, cwd: string): Promise<ServerProcess> {
  return startNexoServe(
    cwd,
    {
      ...target.serverEnv,
      NEXO_OWNER_EMAIL: ownerEmail,
      NEXO_OWNER_PASSWORD: ownerPassword,
      // The default (600 per minute per token or session) would answer 429 to a load test.
      NEXO_RATE_LIMIT_PER_MINUTE: '1000000',
      ...(NEXO_POOL_SIZE ? { NEXO_DB_POOL_SIZE: NEXO_POOL_SIZE } : {}),
      // e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where the server's time goes.
      ...(process.env.BENCH_TASKS_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_TASKS_SERVER_NODE_OPTIONS } : {}),
      ...Object.fromEntries(marketplaces.map((m) => [`MARKETPLACE_${m.toUpperCase()}_TOKEN`, agentTokens[m]])),
    },
    180_000,
  );
}

// ---------------------------------------------------------------------------------------------
// (a) task creation over HTTP

/** The task body of the n-th create (the title is unique per run and request). */
function taskInput(runId: string, n: number) {
  const marketplace = marketplaces[n % marketplaces.length] as (typeof marketplaces)[number];
  return {
    marketplace,
    title: `bench ${runId} task ${n}: refresh listing photos`,
    description: 'Created by the tasks benchmark: refresh the main image and the first three gallery images of the listing.',
    category: categories[n % categories.length] as string,
    priority: priorities[n % priorities.length] as string,
    estimatedHours: 1 + (n % 8),
    createdBy: `marketplace-${marketplace}`,
  };
}

interface CreateFigures {
  tasksPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  created: number;
  errors: number;
  non2xx: number;
  rssMiBAfter: number;
  /** Cores the server process kept busy during the measured run, and its CPU time per created task. */
  serverCores: number;
  serverCpuMsPerTask: number;
  /** tasks/s of each round, when several (PostgreSQL). */
  rounds?: number[];
}

interface AutocannonRequest {
  method: string;
  path: string;
  setupRequest: (request: { headers?: Record<string, string>; body?: string }) => {
    headers: Record<string, string>;
    body: string;
    method: string;
    path: string;
  };
}

async function httpCreates(server: ServerProcess, runId: string, warmup: boolean): Promise<CreateFigures> {
  let next = 0;
  const request: AutocannonRequest = {
    method: 'POST',
    path: '/api/orchestration/tasks',
    setupRequest: () => {
      const input = taskInput(runId, next++);
      return {
        method: 'POST',
        path: '/api/orchestration/tasks',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${agentTokens[input.marketplace]}` },
        body: JSON.stringify(input),
      };
    },
  };
  const options = (duration: number): Options & { requests: AutocannonRequest[] } => ({
    url: server.url,
    connections: CONNECTIONS,
    duration,
    requests: [request],
  });
  if (warmup) await autocannon(options(WARMUP_SECONDS));
  const pid = server.child.pid as number;
  const cpu0 = cpuSeconds(pid);
  const r: Result = await autocannon(options(SECONDS));
  const cpu = cpuSeconds(pid) - cpu0;
  return {
    serverCores: round(cpu / r.duration, 2),
    serverCpuMsPerTask: round((cpu * 1000) / Math.max(1, r['2xx']), 2),
    tasksPerSec: round(r['2xx'] / r.duration, 0),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    created: r['2xx'],
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    rssMiBAfter: memoryMiB(server.child.pid as number).rss,
  };
}

// ---------------------------------------------------------------------------------------------
// (b) raw INSERT baseline

interface RawFigures {
  rowsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  inserted: number;
  errors: number;
  /** rows/s of each round, when several (PostgreSQL). */
  rounds?: number[];
}

const TASK_COLUMNS =
  'org_id, marketplace, created_by, title, description, category, priority, status, created_at, submitted_at, estimated_hours, tags, metadata, dedupe_key';
const RAW_INSERT = `insert into marketplace_tasks (${TASK_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, 'pending', now(), null, $8, $9, $10, $11)`;
/** What createTask runs in its transaction (besides BEGIN/COMMIT), as plain SQL. */
const TX_TASK = `${RAW_INSERT} on conflict do nothing returning *`;
const TX_AUDIT = `insert into audit_log (id, org_id, at, actor_type, actor_id, actor_label, action, resource_type, resource_id, changes, request_id, ip)
  values ($1, $2, now(), 'token', $3, $4, 'task.created', 'task', $5, $6, $7, '127.0.0.1')`;
const TX_EVENT = `insert into events (org_id, type, payload) values ($1, 'task.created', $2) returning *`;
const TX_NOTIFY = `select pg_notify('nexo_bench', $1)`;

type RawMode = 'insert' | 'transaction';

/**
 * CONNECTIONS workers until the deadline, each either inserting one row per statement (autocommit),
 * or running createTask's transaction in plain SQL: BEGIN, the task, its audit entry, its event,
 * pg_notify, COMMIT.
 */
async function rawInserts(direct: DirectConnection, orgId: string, runId: string, seconds: number, mode: RawMode): Promise<RawFigures> {
  let next = 0;
  let errors = 0;
  let firstError: unknown;
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const input = taskInput(runId, next++);
      // Same work as Nexo's createTask: the dedupe key is a sha256 computed in JS.
      const dedupeKey = createHash('sha256').update(`${input.marketplace}|${input.createdBy}|${input.title.toLowerCase()}`).digest('hex');
      const params = [
        orgId,
        input.marketplace,
        input.createdBy,
        input.title,
        input.description,
        input.category,
        input.priority,
        input.estimatedHours,
        [],
        {},
        dedupeKey,
      ];
      const t0 = performance.now();
      try {
        if (mode === 'insert') await direct.query(RAW_INSERT, params);
        else {
          const taskId = randomUUID();
          const changes = { after: { title: input.title, marketplace: input.marketplace, status: 'pending' } };
          const payload = { taskIds: [taskId], status: 'pending', marketplace: input.marketplace };
          await direct.transaction([
            [TX_TASK, params],
            [TX_AUDIT, [randomUUID(), orgId, `env:${input.createdBy}`, input.createdBy, taskId, changes, randomUUID()]],
            [TX_EVENT, [orgId, payload]],
            [TX_NOTIFY, [JSON.stringify({ type: 'task.created', orgId, payload })]],
          ]);
        }
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  const elapsedSeconds = (performance.now() - started) / 1000;
  if (errors > 0) log.warn({ err: firstError }, `${errors} raw ${mode}s failed`);
  return {
    rowsPerSec: round(latencies.length / elapsedSeconds, 0),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
    inserted: latencies.length,
    errors,
  };
}

// ---------------------------------------------------------------------------------------------
// (c) seed, then reads

const seedTitles = [
  'refresh listing photos',
  'fix shipping template',
  'match competitor price',
  'keyword research for title',
  'rewrite bullet points',
  'raise ads budget',
  'answer customer reviews',
  'restock alert',
  'update returns policy',
  'create bundle offer',
];

/**
 * One INSERT … SELECT generate_series: marketplaces, categories and priorities in rotation, status
 * 55% completed, 10% rejected, 12% pending, 10% awaiting approval, 5% approved, 8% in progress,
 * created_at spread evenly over the last 60 days in insertion order (as in a table that grew over
 * time, so a day's rows sit together on disk), the lifecycle timestamps consistent with the status.
 */
const SEED_SQL = `
insert into marketplace_tasks
  (org_id, marketplace, created_by, title, description, category, priority, status, created_at, submitted_at, approved_at, started_at,
   completed_at, estimated_hours, actual_hours, tags, metadata, rejection_reason, dedupe_key)
select $1::uuid, s.mp, 'marketplace-' || s.mp,
  'Seeded task ' || s.g || ': ' || ($3::text[])[1 + s.g % array_length($3::text[], 1)],
  'Seeded by the tasks benchmark for ' || s.mp || ' (row ' || s.g || ').',
  s.category, s.priority, s.status, s.created_at,
  case when s.status <> 'pending' then least(now(), s.created_at + interval '10 minutes') end,
  case when s.status in ('approved', 'in_progress', 'completed', 'rejected') then least(now(), s.created_at + interval '2 hours') end,
  case when s.status in ('in_progress', 'completed') then least(now(), s.created_at + interval '3 hours') end,
  case when s.status = 'completed' then least(now(), s.created_at + interval '3 hours' + s.est * interval '1 hour') end,
  s.est,
  case when s.status = 'completed' then s.est * (0.6 + (s.g % 9) * 0.1) end,
  array[s.mp, s.category],
  '{}'::jsonb,
  case when s.status = 'rejected' then 'not worth it' end,
  md5(s.g::text)
from (
  select x.g,
    (array['amazon', 'shopee', 'mercadolivre', 'shein', 'tiktokshop', 'kaway'])[1 + x.g % 6] as mp,
    (array['optimization', 'best-practice', 'scaling', 'analysis'])[1 + (x.g / 6) % 4] as category,
    (array['high', 'medium', 'low'])[1 + (x.g / 24) % 3] as priority,
    case when x.u < 0.55 then 'completed' when x.u < 0.65 then 'rejected' when x.u < 0.77 then 'pending'
         when x.u < 0.87 then 'awaiting_approval' when x.u < 0.92 then 'approved' else 'in_progress' end as status,
    now() - interval '60 days' * (1 - x.g::float8 / $2::int) - x.v * interval '10 minutes' as created_at,
    1 + x.g % 16 as est
  from (select g, random() as u, random() as v from generate_series(1, $2::int) as g) as x
) as s`;

interface SeedFigures {
  rows: number;
  seedSeconds: number;
  indexSeconds: number;
  vacuumAnalyzeSeconds: number;
  tableRows: number;
}

/**
 * A bulk load: the secondary indexes of marketplace_tasks are dropped, the rows inserted, and the
 * indexes re-created from their own definitions (pg_indexes), so the schema ends up exactly as
 * migrated. Then VACUUM ANALYZE: fresh statistics and the visibility map autovacuum would have
 * set on a table that grew over 60 days.
 */
async function seed(direct: DirectConnection, orgId: string, rows: number): Promise<SeedFigures> {
  const indexes = await direct.query<{ name: string; definition: string }>(
    `select indexname as name, indexdef as definition from pg_indexes
     where schemaname = current_schema() and tablename = 'marketplace_tasks' and indexname <> 'marketplace_tasks_pkey'`,
  );
  const t0 = performance.now();
  for (const index of indexes) await direct.query(`drop index "${index.name}"`);
  await direct.query(SEED_SQL, [orgId, rows, seedTitles]);
  const t1 = performance.now();
  await direct.query(`set maintenance_work_mem = '256MB'`);
  for (const index of indexes) await direct.query(index.definition);
  const t2 = performance.now();
  await direct.query('vacuum analyze marketplace_tasks');
  const t3 = performance.now();
  const [count] = await direct.query<{ n: string }>('select count(*) as n from marketplace_tasks');
  const seconds = (a: number, b: number) => round((b - a) / 1000);
  return { rows, seedSeconds: seconds(t0, t1), indexSeconds: seconds(t1, t2), vacuumAnalyzeSeconds: seconds(t2, t3), tableRows: Number(count?.n ?? 0) };
}

interface ReadFigures {
  path: string;
  n: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  failed: number;
  /** `total` (lists) or the number of marketplaces in the stats, from the first answer. */
  matched: number | string;
}

/** Up to READS sequential GETs (after READ_WARMUP unmeasured ones), within READ_BUDGET_MS. */
async function timeReads(baseUrl: string, cookie: string, path: string): Promise<ReadFigures> {
  const get = async () => {
    const res = await fetch(baseUrl + path, { headers: { cookie } });
    const body = await res.text();
    return { status: res.status, body };
  };
  const first = await get();
  if (first.status !== 200) throw new Error(`GET ${path} answered ${first.status}: ${first.body.slice(0, 300)}`);
  const parsed = JSON.parse(first.body) as { total?: number; stats?: unknown[] };
  for (let i = 1; i < READ_WARMUP; i++) await get();
  const latencies: number[] = [];
  let failed = 0;
  const deadline = performance.now() + READ_BUDGET_MS;
  while (latencies.length < READS && performance.now() < deadline) {
    const t0 = performance.now();
    const { status } = await get();
    latencies.push(performance.now() - t0);
    if (status !== 200) failed++;
  }
  return {
    path,
    n: latencies.length,
    p50Ms: round(percentile(latencies, 50)),
    p95Ms: round(percentile(latencies, 95)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
    failed,
    matched: parsed.total ?? (parsed.stats ? `${parsed.stats.length} marketplaces` : '?'),
  };
}

/** The read mix: filtered, newest, priority-sorted, text search, a cursor page, and today's stats. */
async function readPaths(baseUrl: string, cookie: string): Promise<Array<[string, string]>> {
  const list = '/api/orchestration/tasks';
  const firstPage = await fetch(`${baseUrl}${list}?status=completed&limit=50`, { headers: { cookie } });
  const { nextCursor } = (await firstPage.json()) as { nextCursor: string | null };
  if (!nextCursor) throw new Error('no nextCursor on the first page of completed tasks');
  return [
    ['filter: awaiting_approval + amazon', `${list}?status=awaiting_approval&marketplace=amazon&limit=50`],
    ['newest, no filter', `${list}?limit=50`],
    ['sort=priority, status=pending', `${list}?sort=priority&status=pending&limit=50`],
    ['search q=shipping', `${list}?q=shipping&limit=50`],
    ['cursor page 2, status=completed', `${list}?status=completed&limit=50&cursor=${encodeURIComponent(nextCursor)}`],
    ['stats (today)', '/api/orchestration/stats'],
  ];
}

const median = (values: number[]) => percentile(values, 50);

/** Rounds of (a) as one figure: rate over all rounds, the median round's latencies, the last round's RSS. */
function combineCreates(rounds: CreateFigures[]): CreateFigures {
  const created = rounds.reduce((n, r) => n + r.created, 0);
  const seconds = rounds.length * SECONDS;
  return {
    serverCores: round(median(rounds.map((r) => r.serverCores)), 2),
    serverCpuMsPerTask: round(median(rounds.map((r) => r.serverCpuMsPerTask)), 2),
    tasksPerSec: round(created / seconds, 0),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    maxMs: Math.max(...rounds.map((r) => r.maxMs)),
    created,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    rssMiBAfter: rounds.at(-1)?.rssMiBAfter ?? 0,
    rounds: rounds.map((r) => r.tasksPerSec),
  };
}

/** Rounds of (b) as one figure, the same way. */
function combineRaw(rounds: RawFigures[]): RawFigures {
  const inserted = rounds.reduce((n, r) => n + r.inserted, 0);
  return {
    rowsPerSec: round(inserted / (rounds.length * SECONDS), 0),
    p50Ms: median(rounds.map((r) => r.p50Ms)),
    p99Ms: median(rounds.map((r) => r.p99Ms)),
    maxMs: Math.max(...rounds.map((r) => r.maxMs)),
    inserted,
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    rounds: rounds.map((r) => r.rowsPerSec),
  };
}

// ---------------------------------------------------------------------------------------------

export const benchmark: Benchmark = {
  name: 'tasks',
  description: `task orchestration on ${process.env.BENCH_DATABASE_URL ? 'PostgreSQL (BENCH_DATABASE_URL)' : 'embedded PGlite'}: POST /api/orchestration/tasks by ${CONNECTIONS} agent connections vs raw INSERTs by ${CONNECTIONS} connections (${WARMUP_SECONDS} s warm-up, ${SECONDS} s each), then list/stats reads over ${process.env.BENCH_DATABASE_URL ? SEED_POSTGRES : SEED_PGLITE} seeded tasks`,
  async run() {
    const tmp = makeTempDir('tasks');
    const dataDir = join(tmp, 'data');
    const adminUrl = process.env.BENCH_DATABASE_URL;
    const target: Target = adminUrl
      ? { ...(await postgresDatabase(adminUrl, dataDir)), seedRows: SEED_POSTGRES }
      : { ...pgliteDatabase(dataDir), seedRows: SEED_PGLITE };
    const runId = randomBytes(3).toString('hex');
    try {
      await ensureWebBuild(log); // so that no start below rebuilds the dashboard

      let create: CreateFigures;
      let raw: RawFigures;
      let rawTx: RawFigures;
      let seeded: SeedFigures;
      let createdInDb: number;
      const orgOf = async (direct: DirectConnection) => {
        const [org] = await direct.query<{ id: string }>('select id from orgs where deleted_at is null order by created_at limit 1');
        if (!org) throw new Error('no org after the first start');
        return org.id;
      };
      let server = await startServer(target, tmp);
      if (target.kind === 'postgres') {
        // (a) and (b) take turns, CREATE_ROUNDS each, the first one alternating; the server stays up (idle) while (b) runs.
        const direct = await target.openDirect(RAW_POOL_SIZE);
        try {
          const orgId = await orgOf(direct);
          await httpCreates(server, `${runId}-httpwarm`, true);
          await rawInserts(direct, orgId, `${runId}-rawwarm`, WARMUP_SECONDS, 'insert');
          const creates: CreateFigures[] = [];
          const raws: RawFigures[] = [];
          for (let round = 1; round <= CREATE_ROUNDS; round++) {
            const a = async () => creates.push(await httpCreates(server, `${runId}-http${round}`, false));
            const b = async () => raws.push(await rawInserts(direct, orgId, `${runId}-raw${round}`, SECONDS, 'insert'));
            for (const phase of round % 2 === 1 ? [a, b] : [b, a]) await phase();
          }
          create = combineCreates(creates);
          raw = combineRaw(raws);
          rawTx = await rawInserts(direct, orgId, `${runId}-rawtx`, SECONDS, 'transaction');
        } finally {
          await server.stop();
        }
        try {
          const [counted] = await direct.query<{ n: string }>('select count(*) as n from marketplace_tasks where title like $1', [`bench ${runId}-http%`]);
          createdInDb = Number(counted?.n ?? 0);
          // The reads run over the seeded tasks: the write phases' rows (about 180,000, none matching the searches)
          // would otherwise sit on top of the newest-first lists (see bench/README: sparse recent matches).
          await direct.query('delete from marketplace_tasks where title like $1', [`bench ${runId}-%`]);
          seeded = await seed(direct, await orgOf(direct), target.seedRows);
        } finally {
          await direct.close();
        }
      } else {
        // (a), then (b) and (c) the seed with the server stopped (PGlite has one owner at a time).
        try {
          create = await httpCreates(server, `${runId}-http`, true);
        } finally {
          await server.stop();
        }
        const direct = await target.openDirect(RAW_POOL_SIZE);
        try {
          const orgId = await orgOf(direct);
          const [counted] = await direct.query<{ n: string }>('select count(*) as n from marketplace_tasks where title like $1', [`bench ${runId}-http %`]);
          createdInDb = Number(counted?.n ?? 0);
          await rawInserts(direct, orgId, `${runId}-rawwarm`, WARMUP_SECONDS, 'insert');
          raw = await rawInserts(direct, orgId, `${runId}-raw`, SECONDS, 'insert');
          rawTx = await rawInserts(direct, orgId, `${runId}-rawtx`, SECONDS, 'transaction');
          await direct.query('delete from marketplace_tasks where title like $1', [`bench ${runId}-%`]);
          seeded = await seed(direct, orgId, target.seedRows);
        } finally {
          await direct.close();
        }
      }

      // (c) reads, on a fresh start over the seeded table
      server = await startServer(target, tmp);
      const reads: ReadFigures[] = [];
      const labels: string[] = [];
      let memory: { rss: number; peak: number };
      try {
        const { cookie } = await signIn(server.url, ownerEmail, ownerPassword);
        for (const [label, path] of await readPaths(server.url, cookie)) {
          labels.push(label);
          reads.push(await timeReads(server.url, cookie, path));
        }
        memory = memoryMiB(server.child.pid as number);
      } finally {
        await server.stop();
      }

      const createRatio = ratio(create.tasksPerSec, raw.rowsPerSec);
      const via = target.kind === 'postgres' ? `pg pool max ${RAW_POOL_SIZE}` : `in-process PGlite, ${CONNECTIONS} callers`;
      const rawRow = (label: string, f: RawFigures) => [label, f.rowsPerSec, f.p50Ms, f.p99Ms, f.maxMs, f.inserted, f.errors];
      const readsOver = reads.flatMap((r, i) => (r.p95Ms >= GOALS.readP95Ms ? [`${labels[i] ?? r.path} (p95 ${r.p95Ms} ms)`] : []));
      const onPostgres = target.kind === 'postgres';
      const verdict = (met: boolean) => (onPostgres ? (met ? 'met' : 'NOT met') : `${met ? 'met' : 'not met'} (goal is for PostgreSQL)`);
      const failedCreates = create.errors + create.non2xx;
      return {
        tables: [
          {
            title: `Task creation, ${CONNECTIONS} concurrent clients, ${target.kind === 'postgres' ? `${CREATE_ROUNDS} rounds of ${SECONDS} s each, (a) and (b) taking turns` : `${SECONDS} s`} (${target.label})`,
            columns: ['path', 'rows/s', 'p50 ms', 'p99 ms', 'max ms', 'rows', 'errors+non2xx'],
            rows: [
              [
                '(a) POST /api/orchestration/tasks, 6 agent tokens',
                create.tasksPerSec,
                create.p50Ms,
                create.p99Ms,
                create.maxMs,
                create.created,
                failedCreates,
              ],
              rawRow(`(b) raw INSERT, ${via}`, raw),
              rawRow(`(b') createTask's transaction as raw SQL, ${via}`, rawTx),
              ['(a) / (b)', createRatio, ratio(create.p50Ms, raw.p50Ms), ratio(create.p99Ms, raw.p99Ms), '', '', ''],
              ["(a) / (b')", ratio(create.tasksPerSec, rawTx.rowsPerSec), ratio(create.p50Ms, rawTx.p50Ms), ratio(create.p99Ms, rawTx.p99Ms), '', '', ''],
            ],
          },
          {
            title: `Reads over ${seeded.tableRows} tasks (${seeded.rows} seeded: insert ${seeded.seedSeconds} s, indexes ${seeded.indexSeconds} s, VACUUM ANALYZE ${seeded.vacuumAnalyzeSeconds} s), owner session, sequential`,
            columns: ['request', 'n', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'failed', 'total matched'],
            rows: reads.map((r, i) => [labels[i] ?? r.path, r.n, r.p50Ms, r.p95Ms, r.p99Ms, r.maxMs, r.failed, r.matched]),
          },
        ],
        notes: [
          `Database: ${target.label}${target.kind === 'pglite' ? ` (set BENCH_DATABASE_URL for PostgreSQL; PGlite seeds ${SEED_PGLITE} rows instead of ${SEED_POSTGRES})` : ''}; ${target.kind === 'postgres' ? `Nexo pool size ${NEXO_POOL_SIZE ?? '10 (default)'}` : 'one embedded connection'}.`,
          `Creates: ${create.tasksPerSec} tasks/s over HTTP vs ${raw.rowsPerSec} raw rows/s = ${createRatio} (goal >= ${GOALS.ratio}: ${verdict(createRatio >= GOALS.ratio)}). ${createdInDb} bench tasks found in the table after the HTTP run (incl. warm-up).`,
          ...(create.rounds && raw.rounds
            ? [`Rounds (tasks/s over HTTP vs raw rows/s, in the order run): ${create.rounds.map((c, i) => `${c} / ${raw.rounds?.[i]}`).join(', ')}.`]
            : []),
          `The same transaction as createTask in raw SQL (task + audit + event + pg_notify): ${rawTx.rowsPerSec}/s; HTTP reaches ${ratio(create.tasksPerSec, rawTx.rowsPerSec)} of it.`,
          `Reads: goal p95 < ${GOALS.readP95Ms} ms per request: ${verdict(readsOver.length === 0)}${readsOver.length > 0 ? `; over: ${readsOver.join(', ')}` : ''}.`,
          `Server CPU during the creates: ${create.serverCores} cores busy, ${create.serverCpuMsPerTask} ms CPU per created task.`,
          `Server RSS: ${create.rssMiBAfter} MiB after the create load; ${memory.rss} MiB after the reads (peak ${memory.peak} MiB).`,
          ...(failedCreates > 0 ? [`WARNING: ${failedCreates} failed or non-2xx creates.`] : []),
        ],
        data: {
          database: target.kind,
          databaseLabel: target.label,
          connections: CONNECTIONS,
          warmupSeconds: WARMUP_SECONDS,
          seconds: SECONDS,
          nexoPoolSize: NEXO_POOL_SIZE ? Number(NEXO_POOL_SIZE) : 10,
          create: { ...create, tasksInTable: createdInDb },
          raw,
          rawTransaction: rawTx,
          ratio: createRatio,
          ratioToTransaction: ratio(create.tasksPerSec, rawTx.rowsPerSec),
          seed: seeded,
          reads: reads.map((r, i) => ({ label: labels[i], ...r })),
          serverMemoryMiB: { afterCreates: create.rssMiBAfter, afterReads: memory.rss, peak: memory.peak },
          goals: GOALS,
        },
      };
    } finally {
      await target.cleanup();
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

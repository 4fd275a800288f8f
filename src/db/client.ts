import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import { sleep } from '../lib/sleep.ts';
import { within } from '../lib/within.ts';
import { listenPostgres } from './listener.ts';

/** Drizzle over either driver: services never know which one they run on. */
export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** What a service accepts: the database or a transaction already open on it. */
export type DbOrTx = Db | Tx;

export type Unlisten = () => Promise<void>;

export interface Database {
  kind: 'pglite' | 'postgres';
  db: Db;
  /** The embedded instance (pglite mode only): pg-boss runs on it through fromPglite. */
  pglite?: PGlite;
  /** The server URL (postgres mode only): pg-boss opens its own pool on it. */
  url?: string;
  /** Raw SQL for infrastructure (health checks, locks); services use `db`. */
  execute<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  listen(channel: string, onMessage: (payload: string) => void, onReconnect?: () => void): Promise<Unlisten>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  url?: string;
  dataDir?: string;
  /** An in-memory PGlite loaded from a dump (tests clone a migrated template this way). */
  loadDataDir?: Blob | File;
  poolSize?: number;
  connectTimeoutMs?: number;
  log: Logger;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options) : openPglite(options);
}

/**
 * PGlite runs each statement synchronously in this thread, and a chain of awaited statements (a transaction)
 * only ever waits on promises: left alone, a whole transaction would run as one block of the event loop,
 * holding back timers and sockets (a sync's paced channel calls, HTTP requests) until it commits. The services'
 * client therefore lets the event loop take a turn (setImmediate: timers and I/O first) before each statement.
 * pg-boss and `execute` use the instance directly.
 */
function takingTurns<T extends Pick<PGlite, 'query' | 'transaction'>>(client: T): T {
  return new Proxy(client, {
    get(target, property) {
      if (property === 'query')
        return async (...args: Parameters<PGlite['query']>) => {
          await new Promise<void>((resolve) => setImmediate(resolve));
          return target.query(...args);
        };
      if (property === 'transaction')
        return (work: Parameters<PGlite['transaction']>[0]) => target.transaction((tx) => work(takingTurns(tx as unknown as T) as unknown as typeof tx));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

async function openPglite(options: OpenDatabaseOptions): Promise<Database> {
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // Extensions the migrations use must be loaded into every embedded instance (PostgreSQL ships them as contrib).
  const pglite = await PGlite.create(options.dataDir, { extensions: { pg_trgm }, ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}) });
  const db = drizzlePglite(takingTurns(pglite)) as unknown as Db;
  return {
    kind: 'pglite',
    db,
    pglite,
    async execute<Row>(text: string, params?: unknown[]) {
      const result = await pglite.query<Row>(text, params);
      return result.rows;
    },
    async listen(channel, onMessage) {
      const unsubscribe = await pglite.listen(channel, onMessage);
      return async () => unsubscribe();
    },
    async close() {
      if (!pglite.closed) await pglite.close();
    },
  };
}

async function openPostgres(url: string, options: OpenDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, connectionTimeoutMillis: 5000 });
  // An idle client dying (server restart) must not crash the process; the pool replaces it.
  pool.on('error', (error) => options.log.warn({ err: error }, 'database connection lost; the pool reconnects'));
  // pg-pool listens for errors only on idle clients: a connection that dies while checked out (a transaction
  // during a server restart) emits 'error' with no listener, which would crash the process. Its queries reject
  // anyway and the broken client is discarded on release, so the event only needs to be observed.
  pool.on('connect', (client) => {
    client.on('error', (error) => options.log.warn({ err: error }, 'database connection lost during a query; it is discarded'));
  });
  await waitForPostgres(pool, options.connectTimeoutMs ?? 0, options.log);
  const db = drizzlePg(pool) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    url,
    async execute<Row>(text: string, params?: unknown[]) {
      const result = await pool.query(text, params);
      return result.rows as Row[];
    },
    listen: (channel, onMessage, onReconnect) => listenPostgres(url, channel, onMessage, options.log, onReconnect),
    async close() {
      await pool.end();
    },
  };
}

/** Retries with capped exponential backoff until the server answers or the budget runs out. */
async function waitForPostgres(pool: pg.Pool, budgetMs: number, log: Logger): Promise<void> {
  const deadline = Date.now() + budgetMs;
  for (let attempt = 1; ; attempt++) {
    try {
      await pool.query('select 1');
      return;
    } catch (error) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        await pool.end().catch(() => undefined);
        throw new Error(`could not connect to PostgreSQL at DATABASE_URL after ${attempt} attempt(s): ${(error as Error).message}`);
      }
      const delay = Math.min(remaining, Math.min(5000, 250 * 2 ** (attempt - 1)));
      log.warn({ attempt, retryInMs: delay, err: (error as Error).message }, 'database not reachable yet; retrying');
      await sleep(delay);
    }
  }
}

/** Round-trip time of a trivial query, for readiness checks. */
export async function pingDatabase(database: Database, timeoutMs = 2000): Promise<number> {
  const started = performance.now();
  await within(database.db.execute(sql`select 1`), timeoutMs);
  return performance.now() - started;
}

/** Rows of a raw SQL query (both drivers answer `{ rows }`), for reports too complex for the query builder. */
export async function selectRows<Row = Record<string, unknown>>(db: DbOrTx, query: SQL): Promise<Row[]> {
  const result = (await db.execute(query)) as unknown as { rows: Row[] };
  return result.rows;
}

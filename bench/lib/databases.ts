import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { makeTempDir } from './server.ts';

const log = createLogger({ level: 'warn', pretty: false });

/** A `nexo_bench_<random>` database created on the BENCH_DATABASE_URL server; `drop()` removes it. */
export interface ThrowawayDatabase {
  name: string;
  url: string;
  /** The server's version, e.g. `15.20`. */
  version: string;
  drop(): Promise<void>;
}

/** Creates a throwaway database (the role must be allowed to CREATE DATABASE). */
export async function createThrowawayDatabase(adminUrl: string): Promise<ThrowawayDatabase> {
  const name = `nexo_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const version = String((await admin.query('show server_version')).rows[0]?.server_version ?? '?').split(' ')[0] ?? '?';
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      name,
      url: url.toString(),
      version,
      async drop() {
        await admin.query(`drop database if exists ${name} with (force)`).catch((error) => log.warn({ err: error }, `could not drop ${name}`));
        await admin.end();
      },
    };
  } catch (error) {
    await admin.end();
    throw error;
  }
}

/** A direct connection to a benchmark's database (on PGlite only while no server has the data dir open). */
export interface DirectConnection {
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** The statements in one transaction on one connection. */
  transaction(statements: Array<[string, unknown[]]>): Promise<void>;
  close(): Promise<void>;
}

/** Where a `nexo serve` under test keeps its data: a throwaway PostgreSQL database or an embedded PGlite data dir. */
export interface BenchDatabase {
  kind: 'postgres' | 'pglite';
  label: string;
  /** What `nexo serve` needs in its environment to use this database. */
  serverEnv: Record<string, string>;
  /** On PostgreSQL a `pg` pool of `poolSize`; on PGlite the embedded instance, opened in this process. */
  openDirect(poolSize?: number): Promise<DirectConnection>;
  cleanup(): Promise<void>;
}

/** A throwaway database on the `adminUrl` server (dropped in cleanup()); `dataDir` is still the server's data dir. */
export async function postgresDatabase(adminUrl: string, dataDir: string): Promise<BenchDatabase> {
  const db = await createThrowawayDatabase(adminUrl);
  return {
    kind: 'postgres',
    label: `PostgreSQL ${db.version} (${new URL(db.url).host}, database ${db.name})`,
    serverEnv: { DATABASE_URL: db.url, NEXO_DATA_DIR: dataDir },
    async openDirect(poolSize = 10) {
      const pool = new pg.Pool({ connectionString: db.url, max: poolSize });
      // An idle connection ended by the server (restart, pg_terminate_backend) must not crash the harness.
      pool.on('error', (error) => log.warn({ err: error }, 'bench pool: idle connection lost'));
      return {
        query: async (text, params) => (await pool.query(text, params)).rows,
        async transaction(statements) {
          const client = await pool.connect();
          try {
            await client.query('begin');
            for (const [text, params] of statements) await client.query(text, params);
            await client.query('commit');
          } catch (error) {
            await client.query('rollback').catch(() => undefined);
            throw error;
          } finally {
            client.release();
          }
        },
        close: () => pool.end(),
      };
    },
    cleanup: () => db.drop(),
  };
}

/** Nexo's embedded PGlite in `dataDir` (the server's NEXO_DATA_DIR). */
export function pgliteDatabase(dataDir: string): BenchDatabase {
  return {
    kind: 'pglite',
    label: 'PGlite (embedded)',
    serverEnv: { NEXO_DATA_DIR: dataDir },
    async openDirect() {
      const database = await openDatabase({ dataDir: join(dataDir, 'data'), log });
      const pglite = database.pglite as NonNullable<typeof database.pglite>;
      return {
        query: (text, params) => database.execute(text, params),
        async transaction(statements) {
          await pglite.transaction(async (tx) => {
            for (const [text, params] of statements) await tx.query(text, params);
          });
        },
        close: () => database.close(),
      };
    },
    async cleanup() {},
  };
}

/** Runs `measure` on a fresh PGlite data dir (removed afterwards). */
export async function onFreshPglite<T>(prefix: string, measure: (database: Database) => Promise<T>): Promise<T> {
  const dir = makeTempDir(prefix);
  const database = await openDatabase({ dataDir: dir, log });
  try {
    return await measure(database);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `measure` on a throwaway database on the `adminUrl` server (dropped afterwards). */
export async function onThrowawayPostgres<T>(adminUrl: string, measure: (database: Database) => Promise<T>): Promise<T> {
  const throwaway = await createThrowawayDatabase(adminUrl);
  try {
    const database = await openDatabase({ url: throwaway.url, log });
    try {
      return await measure(database);
    } finally {
      await database.close();
    }
  } finally {
    await throwaway.drop();
  }
}

import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { jobCatalog } from '../../src/contracts/jobs.ts';
import { openDatabase } from '../../src/db/client.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createJobQueue } from '../../src/queue/job-queue.ts';

export const testTmpDir = join(import.meta.dirname, '..', '..', '.test-tmp');
export const silentLog = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false });

/** The server the suite runs against: PostgreSQL when TEST_DATABASE_URL is set, else embedded PGlite. */
export const serverUrl = (): string | undefined => process.env.TEST_DATABASE_URL || undefined;

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** Migrations + the job engine schema, as `nexo migrate` leaves a database. */
async function migrateFully(database: Awaited<ReturnType<typeof openDatabase>>): Promise<void> {
  await migrateDatabase(database);
  const queue = createJobQueue({ database, catalog: jobCatalog, log: silentLog });
  await queue.start();
  await queue.stop(0);
}

/**
 * Builds a migrated template once per test project: a template database on PostgreSQL
 * (cloned per test file with CREATE DATABASE … TEMPLATE), or a PGlite data-dir dump.
 * Returns what `inject('template')` gives the test files.
 */
export async function prepareTemplate(project: string): Promise<{ template: string; cleanup: () => Promise<void> }> {
  mkdirSync(testTmpDir, { recursive: true });
  const url = serverUrl();
  if (url) {
    const name = `nexo_tpl_${project}_${process.pid}`;
    await adminQuery(`drop database if exists ${name}`);
    await adminQuery(`create database ${name}`);
    const database = await openDatabase({ url: withDatabase(url, name), log: silentLog });
    await migrateFully(database);
    await database.close();
    return { template: name, cleanup: () => adminQuery(`drop database if exists ${name} with (force)`) };
  }
  // PGlite: a migrated data dir (servers start on a copy of it, skipping initdb) and its dump
  // (test files load it into an in-memory instance).
  const dir = join(testTmpDir, `template-${project}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const database = await openDatabase({ dataDir: join(dir, 'data'), log: silentLog });
  await migrateFully(database);
  const dump = await database.pglite?.dumpDataDir('none');
  await database.close();
  if (!dump) throw new Error('could not dump the PGlite template');
  writeFileSync(`${dir}.tar`, Buffer.from(await dump.arrayBuffer()));
  return {
    template: dir,
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      rmSync(`${dir}.tar`, { force: true });
    },
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    template: string;
  }
}

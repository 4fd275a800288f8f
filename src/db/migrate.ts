import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { Database } from './client.ts';

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/** Arbitrary but fixed: every Nexo process that migrates takes this advisory lock first. */
const MIGRATION_LOCK_KEY = 7_470_661_001;

/**
 * Applies pending migrations (drizzle journal in src/db/migrations). Applying twice is a no-op.
 * On a server, concurrent starts serialize on an advisory lock held by a dedicated session.
 */
export async function migrateDatabase(database: Database): Promise<void> {
  if (database.kind === 'pglite' && database.pglite) {
    await migratePglite(drizzlePglite(database.pglite), { migrationsFolder });
    return;
  }
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await migratePg(drizzlePg(client), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

export interface MigrationStatus {
  applied: number;
  available: number;
}

/** How many migrations the database has against how many this build ships (for `nexo doctor`). */
export async function migrationStatus(database: Database): Promise<MigrationStatus> {
  const { readMigrationFiles } = await import('drizzle-orm/migrator');
  const available = readMigrationFiles({ migrationsFolder }).length;
  try {
    const rows = await database.execute<{ count: string }>('select count(*)::text as count from drizzle.__drizzle_migrations');
    return { applied: Number(rows[0]?.count ?? 0), available };
  } catch {
    return { applied: 0, available };
  }
}

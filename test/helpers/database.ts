import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { type Database, openDatabase } from '../../src/db/client.ts';
import { randomSuffix } from './random.ts';
import { adminQuery, serverUrl, silentLog, withDatabase } from './template.ts';

export interface TestDatabase {
  database: Database;
  /** The connection URL (PostgreSQL only), for code that opens its own connections. */
  url?: string;
  close(): Promise<void>;
}

/** A fresh, migrated database for one test file: a clone of the template (PostgreSQL) or a loaded PGlite dump. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = inject('template');
  const server = serverUrl();
  if (server) {
    const name = `nexo_t_${randomSuffix()}`;
    await adminQuery(`create database ${name} template ${template}`);
    const url = withDatabase(server, name);
    const database = await openDatabase({ url, poolSize: 5, log: silentLog });
    return {
      database,
      url,
      async close() {
        await database.close();
        await adminQuery(`drop database if exists ${name} with (force)`);
      },
    };
  }
  const database = await openDatabase({ loadDataDir: new Blob([readFileSync(`${template}.tar`)]), log: silentLog });
  return { database, close: () => database.close() };
}

/** An empty database (no migrations) on the server, for migration tests. PostgreSQL only. */
export async function createEmptyServerDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = serverUrl();
  if (!server) throw new Error('createEmptyServerDatabase needs TEST_DATABASE_URL');
  const name = `nexo_e_${randomSuffix()}`;
  await adminQuery(`create database ${name}`);
  return { url: withDatabase(server, name), drop: () => adminQuery(`drop database if exists ${name} with (force)`) };
}

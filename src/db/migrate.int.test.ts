import { describe, expect, it } from 'vitest';
import { createEmptyServerDatabase, createTestDatabase } from '../../test/helpers/database.ts';
import { serverUrl, silentLog } from '../../test/helpers/template.ts';
import { openDatabase } from './client.ts';
import { migrateDatabase, migrationStatus } from './migrate.ts';

describe('migrations', () => {
  it('applying again is a no-op', async () => {
    const { database, close } = await createTestDatabase();
    try {
      const before = await migrationStatus(database);
      expect(before.applied).toBe(before.available);
      await migrateDatabase(database);
      await migrateDatabase(database);
      expect(await migrationStatus(database)).toEqual(before);
    } finally {
      await close();
    }
  });

  it.runIf(serverUrl())('concurrent starts against one server do not race (advisory lock)', async () => {
    const empty = await createEmptyServerDatabase();
    const databases = await Promise.all([1, 2, 3, 4].map(() => openDatabase({ url: empty.url, poolSize: 2, log: silentLog })));
    try {
      await Promise.all(databases.map((db) => migrateDatabase(db)));
      const first = databases[0];
      if (!first) throw new Error('no database');
      const status = await migrationStatus(first);
      expect(status.applied).toBe(status.available);
      const rows = await first.execute<{ count: string }>('select count(*)::text as count from drizzle.__drizzle_migrations');
      expect(Number(rows[0]?.count)).toBe(status.available);
    } finally {
      await Promise.all(databases.map((db) => db.close()));
      await empty.drop();
    }
  });
});

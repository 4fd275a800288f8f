import { jobCatalog } from '../contracts/jobs.ts';
import { openDatabase } from '../db/client.ts';
import { acquireDataDirLock } from '../db/data-dir-lock.ts';
import { migrateDatabase, migrationStatus } from '../db/migrate.ts';
import { createJobQueue } from '../queue/job-queue.ts';
import { exitOnStartFailure, loadConfigOrExit, loggerFor } from './process.ts';

/** `nexo migrate`: applies Nexo's migrations and installs/updates the job engine schema, then exits. */
export async function migrateCommand(): Promise<void> {
  const config = loadConfigOrExit();
  const log = loggerFor(config);
  try {
    const lock = config.mode === 'embedded' ? acquireDataDirLock(config.dataDir) : undefined;
    const database = await openDatabase({
      ...(config.db.url ? { url: config.db.url } : { dataDir: config.db.dataDir }),
      connectTimeoutMs: config.db.connectTimeoutMs,
      log,
    });
    try {
      await migrateDatabase(database);
      const queue = createJobQueue({ database, catalog: jobCatalog, log });
      await queue.start();
      await queue.stop(0);
      const status = await migrationStatus(database);
      process.stdout.write(`migrations: ${status.applied} of ${status.available} applied; job engine schema up to date\n`);
    } finally {
      await database.close();
      lock?.release();
    }
  } catch (error) {
    exitOnStartFailure(error, log);
  }
}

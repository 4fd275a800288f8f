import { jobCatalog } from '../contracts/jobs.ts';
import { migrationStatus } from '../db/migrate.ts';
import { createJobQueue } from '../queue/job-queue.ts';
import { withDatabase } from './with-database.ts';

/** `nexo migrate`: applies Nexo's migrations and installs/updates the job engine schema, then exits. */
export async function migrateCommand(): Promise<void> {
  await withDatabase(async (database, log) => {
    const queue = createJobQueue({ database, catalog: jobCatalog, log });
    await queue.start();
    await queue.stop(0);
    const status = await migrationStatus(database);
    process.stdout.write(`migrations: ${status.applied} of ${status.available} applied; job engine schema up to date\n`);
  });
}

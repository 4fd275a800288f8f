import { type Database, openDatabase } from '../db/client.ts';
import { acquireDataDirLock } from '../db/data-dir-lock.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { isAppError } from '../lib/errors.ts';
import { exitOnStartFailure, loadConfigOrExit, loggerFor } from './process.ts';

/** Opens the database for a one-shot admin command (refused while a server holds an embedded data dir). */
export async function withDatabase<T>(work: (database: Database, log: ReturnType<typeof loggerFor>) => Promise<T>): Promise<T> {
  const config = loadConfigOrExit();
  const log = loggerFor({ ...config, log: { ...config.log, level: config.log.level === 'info' ? 'warn' : config.log.level } });
  try {
    const lock = config.mode === 'embedded' ? acquireDataDirLock(config.dataDir) : undefined;
    const database = await openDatabase({
      ...(config.db.url ? { url: config.db.url } : { dataDir: config.db.dataDir }),
      connectTimeoutMs: config.db.connectTimeoutMs,
      log,
    });
    try {
      await migrateDatabase(database);
      return await work(database, log);
    } finally {
      await database.close();
      lock?.release();
    }
  } catch (error) {
    if (isAppError(error)) {
      process.stderr.write(`nexo: ${error.message}\n`);
      process.exit(error.code === 'VALIDATION' ? 2 : 1);
    }
    return exitOnStartFailure(error, log);
  }
}

import type { Db, Tx } from './client.ts';

/** The one way services open a transaction: everything inside commits or nothing does. */
export function withTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction(work);
}

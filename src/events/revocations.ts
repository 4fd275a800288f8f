import { sql } from 'drizzle-orm';
import type { Database, DbOrTx, Unlisten } from '../db/client.ts';

/**
 * Credentials that just stopped being valid. Sent with NOTIFY in the revoking transaction, so every
 * process can end live streams (SSE) opened with them as soon as the revocation commits.
 */
export interface Revocation {
  sessionIds?: string[];
  tokenIds?: string[];
  /** A member removed from an org: every stream of that person (session or personal token) in it. */
  member?: { userId: string; orgId: string };
}

const CHANNEL = 'nexo_revocations';

export async function notifyRevocation(db: DbOrTx, revocation: Revocation): Promise<void> {
  await db.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify(revocation)})`);
}

export function listenRevocations(database: Database, onRevocation: (revocation: Revocation) => void): Promise<Unlisten> {
  return database.listen(CHANNEL, (payload) => {
    try {
      onRevocation(JSON.parse(payload) as Revocation);
    } catch {
      // malformed payloads are ignored: revocations are also caught by periodic re-validation
    }
  });
}

import type { Tx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { conflict, isAppError } from '../../lib/errors.ts';
import { unfinishedRunOf } from '../operations/index.ts';
import { recordAudit } from '../tenancy/index.ts';
import { requireRow } from './store-admin.service.ts';
import type { SyncState } from './stores.tables.ts';

/** Enqueues a `stores.sync` job in the caller's transaction and returns its run id (main/ or http passes the queue). */
export type EnqueueStoreSync = (tx: Tx, job: { orgId: string; storeId: string; mode: SyncState['mode'] }) => Promise<string>;

const inProgress = (details: Record<string, unknown>) =>
  conflict('A sync of this store is already queued or running', { reason: 'sync_in_progress', ...details });

/**
 * "Sync now": queues the store's read-side sync. Refused (CONFLICT with `details.reason`) when the store is not
 * active or a sync of it is queued, running or retrying. The store row is locked so two requests cannot both pass.
 */
export async function requestStoreSync(
  ctx: Ctx,
  enqueue: EnqueueStoreSync,
  storeId: string,
  mode: SyncState['mode'],
): Promise<{ jobId: string; mode: SyncState['mode'] }> {
  return withTransaction(ctx.db, async (tx) => {
    const store = await requireRow(tx, ctx.orgId, storeId, true);
    if (store.status !== 'active') {
      throw conflict(`The store is ${store.status}: only an active store syncs`, { reason: `store_${store.status}`, status: store.status });
    }
    const running = await unfinishedRunOf(tx, ctx.orgId, 'stores.sync', storeId);
    if (running) throw inProgress({ jobId: running.id, status: running.status });
    const jobId = await enqueue(tx, { orgId: ctx.orgId, storeId, mode }).catch((error: unknown) => {
      // The queue's own singleton key caught a sync queued outside this check (the schedule's fan-out).
      throw isAppError(error) && error.code === 'CONFLICT' ? inProgress({}) : error;
    });
    await recordAudit(tx, ctx, { action: 'store.sync_requested', resourceType: 'store', resourceId: storeId, after: { mode, jobId } });
    return { jobId, mode };
  });
}

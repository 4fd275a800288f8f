import type { Db } from '../db/client.ts';
import type { Logger } from '../lib/logger.ts';
import { processWebhookEvent, type StoreCallDeps } from '../modules/stores/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const webhooksProcessJob =
  (
    db: Db,
    deps: StoreCallDeps,
    log: Logger,
    enqueueSync: (job: { orgId: string; storeId: string; mode: 'incremental' }) => Promise<unknown>,
  ): JobHandler<{ orgId: string; storeId: string; webhookEventId: string }> =>
  async (payload, job) => {
    const outcome = await processWebhookEvent(db, deps, payload, log.child({ job: 'webhooks.process', storeId: payload.storeId }));
    // Orders (and anything not re-fetched directly) come in with an incremental sync; one already queued is enough.
    if (outcome.syncRequested) await enqueueSync({ orgId: payload.orgId, storeId: payload.storeId, mode: 'incremental' }).catch(() => undefined);
    await job.log('info', 'webhook event handled', { webhookEventId: payload.webhookEventId, status: outcome.status ?? null });
    return outcome;
  };

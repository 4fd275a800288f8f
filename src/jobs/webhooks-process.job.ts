import type { Db } from '../db/client.ts';
import type { Logger } from '../lib/logger.ts';
import { processWebhookEvent, type StoreCallDeps } from '../modules/stores/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const webhooksProcessJob =
  (db: Db, deps: StoreCallDeps, log: Logger): JobHandler<{ orgId: string; storeId: string; webhookEventId: string }> =>
  async (payload, job) => {
    const outcome = await processWebhookEvent(db, deps, payload, log.child({ job: 'webhooks.process', storeId: payload.storeId }));
    await job.log('info', 'webhook event handled', { webhookEventId: payload.webhookEventId, status: outcome.status ?? null });
    return outcome;
  };

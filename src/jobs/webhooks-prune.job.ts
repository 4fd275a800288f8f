import type { Db } from '../db/client.ts';
import { pruneWebhookEvents } from '../modules/stores/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const webhooksPruneJob =
  (db: Db, retentionHours: number): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const deleted = await pruneWebhookEvents(db, retentionHours);
    await job.log('info', 'pruned old webhook events', { deleted, retentionHours });
    return { deleted };
  };

import type { Db, Tx } from '../db/client.ts';
import { recoverLostWebhooks } from '../modules/stores/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const webhooksRecoverJob =
  (
    db: Db,
    deps: { secretKey: Buffer; enqueue(tx: Tx, job: { orgId: string; storeId: string; webhookEventId: string }): Promise<unknown> },
  ): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const outcome = await recoverLostWebhooks(db, deps);
    await job.log(outcome.failures.length > 0 ? 'warn' : 'info', 'recovered lost webhooks', outcome);
    return outcome;
  };

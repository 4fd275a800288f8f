import type { Db } from '../db/client.ts';
import { type DeliveryEnqueuer, evaluateAllOrgs, type SignalProviders } from '../modules/alerts/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const alertsEvaluateJob =
  (db: Db, providers: SignalProviders, enqueue: DeliveryEnqueuer): JobHandler<{ orgId?: string | undefined }> =>
  async (_payload, job) => {
    const summary = await evaluateAllOrgs(db, new Date(), providers, enqueue, (orgId, error) =>
      job.logger.error({ err: error, orgId }, 'alert evaluation failed for an org'),
    );
    if (summary.opened || summary.resolved || summary.failed) await job.log('info', 'alerts evaluated', { ...summary });
    return summary;
  };

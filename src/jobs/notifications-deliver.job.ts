import type { Db } from '../db/client.ts';
import { AppError } from '../lib/errors.ts';
import { attemptDelivery, type NotifyDeps } from '../modules/alerts/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const notificationsDeliverJob =
  (db: Db, deps: NotifyDeps, retryLimit: number): JobHandler<{ orgId: string; deliveryId: string }> =>
  async (payload, job) => {
    const outcome = await attemptDelivery(db, deps, { ...payload, attempt: job.attempt, lastAttempt: job.attempt > retryLimit });
    // Throwing makes the queue retry with backoff; the delivery row already says "retrying" with the error.
    if (outcome.status === 'retrying') throw new AppError('UPSTREAM', outcome.error ?? 'delivery failed', { deliveryId: payload.deliveryId });
    return outcome;
  };

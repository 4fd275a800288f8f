import type { Db } from '../db/client.ts';
import { createPlanTasks, type PlanJobDeps } from '../modules/plans/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

/**
 * plans.create-tasks: an approved plan's Phase 1 tasks, idempotent. A failure is retried by the queue; one that
 * keeps failing ends in the dead-letter queue, and the watchdog re-enqueues the plan until its breaker fails it.
 */
export const plansCreateTasksJob =
  (db: Db, deps: PlanJobDeps): JobHandler<{ orgId: string; planId: string }> =>
  async (payload, job) => {
    const out = await createPlanTasks(db, { ...deps, log: job.logger }, payload, { id: job.id, name: job.name, attempt: job.attempt, signal: job.signal });
    await job.log('info', `plan ${payload.planId}: ${out.status}, ${out.taskIds.length} task(s)`);
    return out;
  };

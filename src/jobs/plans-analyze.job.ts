import type { Db } from '../db/client.ts';
import { analyzePlan, failPlan, type PlanJobDeps } from '../modules/plans/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

/** plans.analyze: extraction and analysis of one uploaded report; its last failed attempt fails the plan with the error. */
export const plansAnalyzeJob =
  (db: Db, deps: PlanJobDeps, retryLimit: number): JobHandler<{ orgId: string; planId: string }> =>
  async (payload, job) => {
    const ref = { id: job.id, name: job.name, attempt: job.attempt, signal: job.signal };
    try {
      const out = await analyzePlan(db, { ...deps, log: job.logger }, payload, ref);
      await job.log('info', `plan ${payload.planId}: ${out.status}`);
      return out;
    } catch (error) {
      if (job.attempt > retryLimit) await failPlan(db, payload.orgId, payload.planId, `analysis failed: ${(error as Error).message}`, ref);
      throw error;
    }
  };

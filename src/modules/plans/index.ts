/** Analysis plans (seed 002): report upload, per-channel plans (rules or a model), approval, Phase 1 tasks as a durable job, stuck-plan recovery. */

export { uploadError } from './plan-files.ts';
export {
  analyzePlan,
  channelFacts,
  createPlanTasks,
  failPlan,
  MAX_ANALYSIS_ATTEMPTS,
  type PlanJobDeps,
  type PlanJobRef,
  phase1Tasks,
  plansInFlight,
  recoverPlan,
} from './plan-jobs.service.ts';
export { normalizePlanData } from './plan-normalize.ts';
export { rulesPlan } from './plan-rules.ts';
export type { PlanEnqueue } from './plan-state.ts';
export { decidePlan, getPlan, listPlans, parseChannels, type UploadInput, uploadPlan } from './plans.service.ts';

/** Operations: job runs and their logs (the Jobs page), schedules. Health, watchdog and alerts build on this. */
export { createJobRunsObserver } from './job-runs.observer.ts';
export {
  cancelJobRun,
  getJobRun,
  type JobEnginePort,
  type JobStatesPort,
  jobRunActions,
  jobStats,
  listJobRuns,
  pruneJobRuns,
  queueDepthByType,
  reconcileRuns,
  replayDeadRuns,
  retryJobRun,
  runsSummary,
} from './job-runs.service.ts';
export { assertCron, listSchedules, type SchedulerPort, syncOrgSchedules, updateSchedule } from './schedules.service.ts';

/** Operations: job runs and their logs (the Jobs page), schedules, the stuck-pattern watchdog, recoveries, system health and daily metric snapshots. */

export { type EffectKey, type EffectOutcome, effectPerformed, once, performOnce, pruneJobEffects } from './effects.service.ts';
export { emptyHealthSources, getSystemHealth, type HealthSources, overallStatus, publicHealth, queueHealth } from './health.service.ts';
export { createJobRunsObserver, DEFERRED_START_MS } from './job-runs.observer.ts';
export {
  cancelJobRun,
  getJobRun,
  type JobEnginePort,
  type JobStatesPort,
  jobRunActions,
  jobSignalFigures,
  jobStats,
  listJobRuns,
  pruneJobRuns,
  queueDepthByType,
  reconcileRuns,
  replayDeadRuns,
  retryJobRun,
  runsSummary,
  unfinishedRunOf,
} from './job-runs.service.ts';
export { listMetricSnapshots, snapshotAllOrgs, snapshotOrgDay } from './metric-snapshots.service.ts';
export { assertCron, listSchedules, type SchedulerPort, scheduleCron, syncOrgSchedules, updateSchedule } from './schedules.service.ts';
export { type Detector, detectors, type Finding, type WatchdogThresholds } from './stuck-patterns.detectors.ts';
export {
  fixStuckPattern,
  jobEngineFailOver,
  listStuckPatterns,
  openPatternCounts,
  queueDepthHistory,
  recentRecoveries,
  runWatchdogTick,
  type TickResult,
  type WatchdogEngine,
  type WatchdogOptions,
} from './watchdog.service.ts';

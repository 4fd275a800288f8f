/** Operations (health part): stuck-pattern watchdog, recoveries, system health and daily metric snapshots. */
export { emptyHealthSources, getSystemHealth, type HealthSources, overallStatus, publicHealth, queueHealth } from './health.service.ts';
export { listMetricSnapshots, snapshotAllOrgs, snapshotOrgDay } from './metric-snapshots.service.ts';
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

/** Marketplace agents (seed 000): registry, runs, the daily orchestration and metrics. */
export {
  type AgentRunDeps,
  agentActor,
  crossChannelProposals,
  type DailySummary,
  initializeDailyTasks,
  type RunOutcome,
  type RunTrigger,
  rankedImpact,
  runAgent,
} from './agent-runs.service.ts';
export { ensureAgents } from './agents.registry.ts';
export {
  type AgentCronEngine,
  type AgentSchedulerPort,
  agentSchedulerFor,
  getAgent,
  listAgentRuns,
  listAgents,
  qualityScore,
  syncAgentSchedules,
  updateAgent,
} from './agents.service.ts';

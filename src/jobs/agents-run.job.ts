import type { AgentId } from '../contracts/agents.ts';
import { type AgentRunDeps, initializeDailyTasks, runAgent } from '../modules/agents/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

/** `agents.run`: one run of one agent of the job's org. */
export const agentsRunJob =
  (deps: AgentRunDeps): JobHandler<{ agentId: AgentId; trigger: 'manual' | 'schedule' }> =>
  async (payload, job) => {
    if (!job.orgId) throw new Error('agents.run needs an org');
    const outcome = await runAgent(deps, job.orgId, payload.agentId, { trigger: payload.trigger });
    await job.log(outcome.status === 'failed' ? 'warn' : 'info', `${payload.agentId}: ${outcome.status}, ${outcome.tasksCreated} task(s) created`, {
      runId: outcome.runId,
      proposals: outcome.proposalsFound,
      skipped: outcome.skipped,
      ...(outcome.error ? { error: outcome.error } : {}),
    });
    return { runId: outcome.runId, status: outcome.status, tasksCreated: outcome.tasksCreated };
  };

/** `agents.daily`: the org's daily orchestration (every due agent, isolated, then the master). */
export const agentsDailyJob =
  (deps: AgentRunDeps): JobHandler<{ trigger: 'manual' | 'schedule' }> =>
  async (payload, job) => {
    if (!job.orgId) throw new Error('agents.daily needs an org');
    const summary = await initializeDailyTasks(deps, job.orgId, { trigger: payload.trigger === 'manual' ? 'manual' : 'daily' });
    for (const run of summary.runs) {
      await job.log(run.status === 'failed' ? 'warn' : 'info', `${run.agentId}: ${run.status}, ${run.tasksCreated} task(s) created`, {
        runId: run.runId,
        ...(run.error ? { error: run.error } : {}),
      });
    }
    return { runs: summary.runs.length, tasksCreated: summary.tasksCreated, failed: summary.failed };
  };

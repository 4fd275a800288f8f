import type { Db } from '../db/client.ts';
import { type AgentSchedulerPort, syncAgentSchedules } from '../modules/agents/index.ts';
import { type SchedulerPort, syncOrgSchedules } from '../modules/operations/index.ts';
import { listOrgTimeZones } from '../modules/tenancy/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const schedulesSyncJob =
  (db: Db, scheduler: SchedulerPort, agentScheduler?: AgentSchedulerPort): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const applied = await syncOrgSchedules(db, scheduler);
    const agents = agentScheduler ? await syncAgentSchedules(db, agentScheduler, new Map((await listOrgTimeZones(db)).map((o) => [o.orgId, o.timeZone]))) : 0;
    await job.log('info', 'org schedules registered', { applied, agents });
    return { applied, agents };
  };

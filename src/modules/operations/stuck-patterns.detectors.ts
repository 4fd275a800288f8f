import { sql } from 'drizzle-orm';
import type { StuckPatternType } from '../../contracts/health.ts';
import { type Db, type DbOrTx, selectRows } from '../../db/client.ts';
import { MAX_ANALYSIS_ATTEMPTS, plansInFlight } from '../plans/index.ts';
import { overdueApprovalsByOrg, silentAgents } from '../tasks/index.ts';

export interface WatchdogThresholds {
  /** A due job waiting longer than this makes its queue "backlogged". */
  queueAgeSeconds: number;
  approvalDays: number;
  agentSilentHours: number;
}

/** One condition found by a detector; the watchdog turns it into a stuck_patterns row. */
export interface Finding {
  orgId: string | null;
  type: StuckPatternType;
  subject: string;
  severity: 'info' | 'warning' | 'critical';
  /** When the condition crossed its threshold. */
  since: Date;
  details: Record<string, unknown>;
  recommendation: string;
  autoFixable: boolean;
}

export interface Detector {
  type: StuckPatternType;
  /** False while the feature the detector watches does not exist in this build. */
  applicable: boolean;
  threshold: (t: WatchdogThresholds) => string;
  thresholdSeconds: (t: WatchdogThresholds) => number | null;
  note?: string;
  detect(db: DbOrTx, now: Date, t: WatchdogThresholds): Promise<Finding[]>;
}

const ago = (seconds: number) => {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} days`;
};
const toDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

/** Jobs still `active` after started_on + expire_seconds: their worker died or hangs. pg-boss only sweeps these once a minute. */
const leaseExpired: Detector = {
  type: 'job_lease_expired',
  applicable: true,
  threshold: () => 'a running job past its lease (expireInSeconds of its job type)',
  thresholdSeconds: () => null,
  async detect(db, now) {
    const rows = await selectRows(
      db,
      sql`select id, name, started_on, expire_seconds, retry_count, retry_limit,
            started_on + expire_seconds * interval '1 second' as lease_end
          from pgboss.job
          where state = 'active' and started_on + expire_seconds * interval '1 second' < ${now.toISOString()}
          order by started_on limit 200`,
    );
    return rows.map((r) => {
      const leaseEnd = toDate(r.lease_end);
      const overdue = (now.getTime() - leaseEnd.getTime()) / 1000;
      const retriesLeft = Number(r.retry_limit) - Number(r.retry_count);
      return {
        orgId: null,
        type: 'job_lease_expired' as const,
        subject: `${r.name}:${r.id}`,
        severity: retriesLeft > 0 ? ('warning' as const) : ('critical' as const),
        since: leaseEnd,
        details: {
          job_id: String(r.id),
          queue: String(r.name),
          started_on: toDate(r.started_on).toISOString(),
          lease_seconds: Number(r.expire_seconds),
          overdue_seconds: Math.round(overdue),
          attempt: Number(r.retry_count) + 1,
          retries_left: retriesLeft,
        },
        recommendation:
          retriesLeft > 0
            ? `Job ${r.name} (${r.id}) is ${ago(overdue)} past its ${r.expire_seconds} s lease: its worker probably died. Fix: fail it over so a live worker retries it (attempt ${Number(r.retry_count) + 2}).`
            : `Job ${r.name} (${r.id}) is ${ago(overdue)} past its ${r.expire_seconds} s lease and has no retries left: failing it over sends it to the dead-letter queue; inspect it there and replay it once the cause is fixed.`,
        autoFixable: true,
      };
    });
  },
};

/** Queues whose oldest due job has waited longer than the threshold: no worker is taking them. */
const queueBacklog: Detector = {
  type: 'queue_backlog',
  applicable: true,
  threshold: (t) => `the oldest due job of a queue waiting more than ${t.queueAgeSeconds} s`,
  thresholdSeconds: (t) => t.queueAgeSeconds,
  async detect(db, now, t) {
    const limit = new Date(now.getTime() - t.queueAgeSeconds * 1000);
    const rows = await selectRows(
      db,
      sql`select name, count(*) as depth, min(greatest(created_on, start_after)) as oldest
          from pgboss.job
          where state in ('created', 'retry') and start_after <= ${now.toISOString()} and name not like '%.dead'
          group by name
          having min(greatest(created_on, start_after)) < ${limit.toISOString()}`,
    );
    return rows.map((r) => {
      const oldest = toDate(r.oldest);
      const age = (now.getTime() - oldest.getTime()) / 1000;
      return {
        orgId: null,
        type: 'queue_backlog' as const,
        subject: String(r.name),
        severity: age > t.queueAgeSeconds * 4 ? ('critical' as const) : ('warning' as const),
        since: new Date(oldest.getTime() + t.queueAgeSeconds * 1000),
        details: { queue: String(r.name), depth: Number(r.depth), oldest_age_seconds: Math.round(age), oldest_due_at: oldest.toISOString() },
        recommendation: `Queue ${r.name}: ${r.depth} job(s) waiting, the oldest for ${ago(age)}. Check that a process runs workers (ENABLE_QUEUE_PROCESSING=true, or start \`nexo worker\`), that its workers are not all busy with long jobs, and whether an open circuit breaker or empty rate limit is postponing them (Health page).`,
        autoFixable: false,
      };
    });
  },
};

/** An approved plan without a queued or running Phase 1 job for this long is stuck (its job was lost or dead-lettered). */
export const PLAN_TASKS_GRACE_SECONDS = 3;
/** An analysis without a queued or running job for this long was lost; one running this long has hung. */
export const PLAN_ANALYSIS_GRACE_SECONDS = 10;
export const PLAN_ANALYSIS_TIMEOUT_SECONDS = 15 * 60;

/** Seed 002's original incident: an approved plan whose Phase 1 tasks are not being created. Fix: re-enqueue its job. */
const planWithoutPhase1: Detector = {
  type: 'plan_without_phase1',
  applicable: true,
  threshold: () => `an approved analysis plan without Phase 1 tasks and no task-creation job queued or running for ${PLAN_TASKS_GRACE_SECONDS} s`,
  thresholdSeconds: () => PLAN_TASKS_GRACE_SECONDS,
  async detect(db, now) {
    const plans = await plansInFlight(db as Db, new Date(now.getTime() - PLAN_TASKS_GRACE_SECONDS * 1000));
    return plans
      .filter((p) => (p.status === 'approved' || p.status === 'creating_tasks') && !p.live)
      .map((p) => ({
        orgId: p.orgId,
        type: 'plan_without_phase1' as const,
        subject: p.planId,
        severity: 'critical' as const,
        since: new Date(p.statusChangedAt.getTime() + PLAN_TASKS_GRACE_SECONDS * 1000),
        details: { plan_id: p.planId, status: p.status, status_since: p.statusChangedAt.toISOString() },
        recommendation: `Analysis plan ${p.planId} is ${p.status} but no job is creating its Phase 1 tasks. Fix: re-enqueue plans.create-tasks (idempotent: tasks already created are not duplicated).`,
        autoFixable: true,
      }));
  },
};

/** A plan whose analysis job was lost, or that has been analyzing past the timeout. Fix: re-enqueue, or fail it with the reason. */
const planAnalysisStuck: Detector = {
  type: 'plan_analysis_stuck',
  applicable: true,
  threshold: () =>
    `an analysis plan uploaded or analyzing with no analysis job for ${PLAN_ANALYSIS_GRACE_SECONDS} s, or analyzing for ${PLAN_ANALYSIS_TIMEOUT_SECONDS / 60} min`,
  thresholdSeconds: () => PLAN_ANALYSIS_GRACE_SECONDS,
  async detect(db, now) {
    const plans = await plansInFlight(db as Db, new Date(now.getTime() - PLAN_ANALYSIS_GRACE_SECONDS * 1000));
    return plans
      .filter((p) => p.status === 'uploaded' || p.status === 'analyzing')
      .map((p) => ({ p, timedOut: now.getTime() - p.statusChangedAt.getTime() > PLAN_ANALYSIS_TIMEOUT_SECONDS * 1000 }))
      .filter(({ p, timedOut }) => !p.live || timedOut)
      .map(({ p, timedOut }) => ({
        orgId: p.orgId,
        type: 'plan_analysis_stuck' as const,
        subject: p.planId,
        severity: 'warning' as const,
        since: new Date(p.statusChangedAt.getTime() + (timedOut ? PLAN_ANALYSIS_TIMEOUT_SECONDS : PLAN_ANALYSIS_GRACE_SECONDS) * 1000),
        details: {
          plan_id: p.planId,
          status: p.status,
          status_since: p.statusChangedAt.toISOString(),
          attempts: p.analysisAttempts,
          timed_out: timedOut,
          job_live: p.live,
        },
        recommendation: timedOut
          ? `Analysis plan ${p.planId} has been analyzing for ${ago((now.getTime() - p.statusChangedAt.getTime()) / 1000)}. Fix: fail it with the reason (upload the report again).`
          : p.analysisAttempts >= MAX_ANALYSIS_ATTEMPTS
            ? `Analysis plan ${p.planId} has no analysis job after ${p.analysisAttempts} attempt(s). Fix: fail it with the reason.`
            : `Analysis plan ${p.planId} is ${p.status} but no job is analyzing it. Fix: re-enqueue plans.analyze.`,
        autoFixable: true,
      }));
  },
};

const approvalOverdue: Detector = {
  type: 'task_approval_overdue',
  applicable: true,
  threshold: (t) => `a task awaiting approval for more than ${t.approvalDays} days`,
  thresholdSeconds: (t) => Math.round(t.approvalDays * 86_400),
  async detect(db, now, t) {
    const thresholdMs = t.approvalDays * 86_400_000;
    const groups = await overdueApprovalsByOrg(db, new Date(now.getTime() - thresholdMs));
    return groups.map((g) => {
      const age = (now.getTime() - g.oldestSubmittedAt.getTime()) / 1000;
      return {
        orgId: g.orgId,
        type: 'task_approval_overdue' as const,
        subject: 'tasks',
        severity: g.count >= 50 ? ('critical' as const) : ('warning' as const),
        since: new Date(g.oldestSubmittedAt.getTime() + thresholdMs),
        details: { count: g.count, oldest_submitted_at: g.oldestSubmittedAt.toISOString(), task_ids: g.taskIds },
        recommendation: `${g.count} task(s) have been awaiting approval for more than ${t.approvalDays} days (oldest: ${ago(age)}). Review them on the Approvals page: approve or reject them, or ask the agent to withdraw stale proposals.`,
        autoFixable: false,
      };
    });
  },
};

const agentSilent: Detector = {
  type: 'agent_silent',
  applicable: true,
  threshold: (t) => `an agent with past tasks creating none for ${t.agentSilentHours} h`,
  thresholdSeconds: (t) => Math.round(t.agentSilentHours * 3600),
  async detect(db, now, t) {
    const thresholdMs = t.agentSilentHours * 3_600_000;
    const agents = await silentAgents(db, new Date(now.getTime() - thresholdMs));
    return agents.map((a) => {
      const silence = (now.getTime() - a.lastTaskAt.getTime()) / 1000;
      return {
        orgId: a.orgId,
        type: 'agent_silent' as const,
        subject: a.agentId,
        severity: 'warning' as const,
        since: new Date(a.lastTaskAt.getTime() + thresholdMs),
        details: { agent_id: a.agentId, last_task_at: a.lastTaskAt.toISOString(), tasks: a.tasks, silent_seconds: Math.round(silence) },
        recommendation: `Agent ${a.agentId} has not created a task for ${ago(silence)}. Check agent connectivity: is its process running, is its API token valid (Settings → API tokens), and can it reach Nexo?`,
        autoFixable: false,
      };
    });
  },
};

export const detectors: Detector[] = [leaseExpired, queueBacklog, planWithoutPhase1, planAnalysisStuck, approvalOverdue, agentSilent];

import type { AlertRuleKind } from '../../contracts/alerts.ts';
import type { DbOrTx } from '../../db/client.ts';

/** What a signal provider is asked: one org's current value for one rule. */
export interface SignalInput {
  db: DbOrTx;
  orgId: string;
  now: Date;
  /** The rule's threshold (some providers need it: an age cut-off). */
  threshold: number;
}

/** One thing the rule watches ("org", an agent id, a breaker name…) and whether it breaches the threshold now. */
export interface SignalReading {
  subject: string;
  value: number;
  breached: boolean;
  details?: Record<string, unknown>;
}

/**
 * `no_data`: the signal is not available (not wired, or nothing to measure in this window): open alerts of the rule
 * stay as they are (neither opened nor resolved). `ok`: `value` is the headline figure, `readings` every subject
 * measured; an active alert whose subject is not breached (or not listed) is resolved.
 */
export type SignalResult = { status: 'no_data'; reason: string } | { status: 'ok'; value: number; readings: SignalReading[] };

export type SignalProvider = (input: SignalInput) => Promise<SignalResult>;
export type SignalProviders = Partial<Record<AlertRuleKind, SignalProvider>>;

/** An org-wide figure compared with the threshold. */
export const orgReading = (value: number, threshold: number, details: Record<string, unknown> = {}): SignalResult => ({
  status: 'ok',
  value,
  readings: [{ subject: 'org', value, breached: value > threshold, details }],
});

const round = (v: number, digits = 2) => Math.round(v * 10 ** digits) / 10 ** digits;

/**
 * Where task figures come from: the tasks module's functions, passed in by main/ (the tasks module already depends on
 * this one for the in-app inbox, so alerts cannot import tasks back).
 */
export interface TaskSignalSource {
  countAwaitingApproval(db: DbOrTx, orgId: string): Promise<number>;
  staleUndecidedTasks(db: DbOrTx, orgId: string, now: Date, days: number): Promise<{ count: number; oldestDays: number | null }>;
  agentsLastTaskAt(db: DbOrTx, orgId: string): Promise<Array<{ agent: string; lastAt: Date }>>;
}

/** Providers computed from the tasks module's data. */
export const taskSignalProviders = ({ countAwaitingApproval, staleUndecidedTasks, agentsLastTaskAt }: TaskSignalSource): SignalProviders => ({
  tasks_awaiting_approval: async ({ db, orgId, threshold }) => orgReading(await countAwaitingApproval(db, orgId), threshold),
  tasks_pending_stale: async ({ db, orgId, now, threshold }) => {
    const stale = await staleUndecidedTasks(db, orgId, now, threshold);
    const age = stale.oldestDays === null ? 0 : round(stale.oldestDays);
    return { status: 'ok', value: age, readings: [{ subject: 'org', value: age, breached: stale.count > 0, details: { staleTasks: stale.count } }] };
  },
  agent_silent: async ({ db, orgId, now, threshold }) => {
    const agents = await agentsLastTaskAt(db, orgId);
    if (agents.length === 0) return { status: 'no_data', reason: 'no agent has created a task yet' };
    const readings = agents.map(({ agent, lastAt }) => {
      const hours = round((now.getTime() - lastAt.getTime()) / 3_600_000);
      return { subject: agent, value: hours, breached: hours > threshold, details: { lastTaskAt: lastAt.toISOString() } };
    });
    return { status: 'ok', value: Math.max(...readings.map((r) => r.value)), readings };
  },
});

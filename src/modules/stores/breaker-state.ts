/**
 * Circuit breaker transitions as data (pure). The service applies them to the `circuit_breakers` row
 * under `SELECT … FOR UPDATE`, so every worker process shares one breaker per store × operation:
 *
 *   closed --(failureThreshold consecutive failures)--> open
 *   open --(resetTimeout elapsed; one process claims the probe)--> half_open
 *   half_open --(probe fails)--> open          half_open --(halfOpenSuccesses probes succeed)--> closed
 *
 * Only the holder of the probe lease calls the channel while half open; everybody else is postponed.
 */

export type BreakerStateName = 'closed' | 'open' | 'half_open';

export interface BreakerRow {
  state: BreakerStateName;
  failures: number;
  probeSuccesses: number;
  openedAt: Date | null;
  nextProbeAt: Date | null;
  probeUntil: Date | null;
  probeOwner: string | null;
  openCount: number;
  lastError: string | null;
  lastFailureAt: Date | null;
}

export interface BreakerPolicy {
  /** Consecutive failures that open the breaker (seed 002: 5). */
  failureThreshold: number;
  /** How long it stays open before a probe (seed 002: 60 s). */
  resetTimeoutMs: number;
  /** Successful probes in a row that close it again (seed 002: 2). */
  halfOpenSuccesses: number;
  /** Lease of a probe: after it, a probe whose process died is given to someone else. */
  probeLeaseMs: number;
}

export const closedBreaker = (): BreakerRow => ({
  state: 'closed',
  failures: 0,
  probeSuccesses: 0,
  openedAt: null,
  nextProbeAt: null,
  probeUntil: null,
  probeOwner: null,
  openCount: 0,
  lastError: null,
  lastFailureAt: null,
});

/** Others wait at most this long for a probe in flight before looking again. */
export const probeRecheckMs = 5_000;

export type Admission = { decision: 'pass' } | { decision: 'probe'; row: BreakerRow } | { decision: 'reject'; until: Date; state: BreakerStateName };

/** May a call go out now? `probe` means this caller holds the half-open probe (and `row` must be saved). */
export function admit(row: BreakerRow, now: Date, policy: BreakerPolicy, owner: string): Admission {
  if (row.state === 'closed') return { decision: 'pass' };
  const t = now.getTime();
  if (row.state === 'open' && row.nextProbeAt && row.nextProbeAt.getTime() > t) return { decision: 'reject', until: row.nextProbeAt, state: 'open' };
  if (row.state === 'half_open' && row.probeUntil && row.probeUntil.getTime() > t) {
    return { decision: 'reject', until: new Date(Math.min(row.probeUntil.getTime(), t + probeRecheckMs)), state: 'half_open' };
  }
  return {
    decision: 'probe',
    row: {
      ...row,
      state: 'half_open',
      probeSuccesses: row.state === 'open' ? 0 : row.probeSuccesses,
      probeUntil: new Date(t + policy.probeLeaseMs),
      probeOwner: owner,
    },
  };
}

/** The row after a successful call, or null when nothing changes (the hot path writes nothing). */
export function afterSuccess(row: BreakerRow, policy: BreakerPolicy, probe: boolean, owner: string): BreakerRow | null {
  if (row.state === 'closed') return row.failures > 0 ? { ...row, failures: 0 } : null;
  if (row.state !== 'half_open' || !probe || row.probeOwner !== owner) return null;
  const probeSuccesses = row.probeSuccesses + 1;
  if (probeSuccesses >= policy.halfOpenSuccesses) {
    return { ...row, state: 'closed', failures: 0, probeSuccesses: 0, openedAt: null, nextProbeAt: null, probeUntil: null, probeOwner: null };
  }
  return { ...row, probeSuccesses, probeUntil: null, probeOwner: null };
}

/** The row after a failed call (a failure the breaker counts), or null when nothing changes. */
export function afterFailure(row: BreakerRow, now: Date, policy: BreakerPolicy, probe: boolean, owner: string, error: string): BreakerRow | null {
  const base = { ...row, lastError: error.slice(0, 500), lastFailureAt: now };
  const open = (): BreakerRow => ({
    ...base,
    state: 'open',
    failures: 0,
    probeSuccesses: 0,
    openedAt: row.state === 'closed' ? now : (row.openedAt ?? now),
    nextProbeAt: new Date(now.getTime() + policy.resetTimeoutMs),
    probeUntil: null,
    probeOwner: null,
    openCount: row.state === 'closed' ? row.openCount + 1 : row.openCount,
  });
  if (row.state === 'closed') {
    const failures = row.failures + 1;
    return failures >= policy.failureThreshold ? open() : { ...base, failures };
  }
  if (row.state === 'half_open' && probe && row.probeOwner === owner) return open();
  // A call that started before the breaker opened (or another process's probe) does not move it.
  return null;
}

/** Gives the probe back without a verdict (the caller could not make the call, e.g. no rate-limit token). */
export function releaseProbe(row: BreakerRow, owner: string): BreakerRow | null {
  return row.state === 'half_open' && row.probeOwner === owner ? { ...row, probeUntil: null, probeOwner: null } : null;
}

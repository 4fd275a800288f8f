import { describe, expect, it } from 'vitest';
import { admit, afterFailure, afterSuccess, type BreakerPolicy, type BreakerRow, closedBreaker, releaseProbe } from './breaker-state.ts';

const policy: BreakerPolicy = { failureThreshold: 3, resetTimeoutMs: 60_000, halfOpenSuccesses: 2, probeLeaseMs: 10_000 };
const at = (ms: number) => new Date(ms);

function failTimes(row: BreakerRow, n: number, now = 0): BreakerRow {
  let r = row;
  for (let i = 0; i < n; i++) r = afterFailure(r, at(now), policy, false, 'a', 'boom') ?? r;
  return r;
}

describe('breaker transitions', () => {
  it('opens after the threshold of consecutive failures; a success in between resets the count', () => {
    let r = failTimes(closedBreaker(), 2);
    expect(r).toMatchObject({ state: 'closed', failures: 2 });
    r = afterSuccess(r, policy, false, 'a') ?? r;
    expect(r.failures).toBe(0);
    r = failTimes(r, 3, 1000);
    expect(r).toMatchObject({ state: 'open', openCount: 1, nextProbeAt: at(61_000), lastError: 'boom' });
    expect(afterSuccess(closedBreaker(), policy, false, 'a')).toBeNull();
  });

  it('rejects until the reset timeout, then gives exactly one probe', () => {
    const open = failTimes(closedBreaker(), 3);
    expect(admit(open, at(59_999), policy, 'a')).toEqual({ decision: 'reject', until: at(60_000), state: 'open' });
    const first = admit(open, at(60_000), policy, 'a');
    if (first.decision !== 'probe') throw new Error('expected a probe');
    expect(first.row).toMatchObject({ state: 'half_open', probeOwner: 'a', probeUntil: at(70_000) });
    const second = admit(first.row, at(60_001), policy, 'b');
    expect(second).toMatchObject({ decision: 'reject', state: 'half_open', until: at(65_001) });
    // A probe whose process died is given to someone else after its lease.
    expect(admit(first.row, at(70_000), policy, 'b')).toMatchObject({ decision: 'probe' });
  });

  it('closes after enough successful probes; a failed probe opens it again', () => {
    const open = failTimes(closedBreaker(), 3);
    const p1 = admit(open, at(60_000), policy, 'a');
    if (p1.decision !== 'probe') throw new Error('expected a probe');
    const afterOne = afterSuccess(p1.row, policy, true, 'a');
    expect(afterOne).toMatchObject({ state: 'half_open', probeSuccesses: 1, probeOwner: null });
    // Only the probe owner's verdict counts.
    expect(afterSuccess(p1.row, policy, true, 'b')).toBeNull();
    const p2 = admit(afterOne as BreakerRow, at(60_010), policy, 'b');
    if (p2.decision !== 'probe') throw new Error('expected a second probe');
    expect(afterSuccess(p2.row, policy, true, 'b')).toMatchObject({ state: 'closed', failures: 0, openedAt: null });
    const reopened = afterFailure(p2.row, at(60_020), policy, true, 'b', 'still down');
    expect(reopened).toMatchObject({ state: 'open', nextProbeAt: at(120_020), openCount: 1, openedAt: at(0) });
    expect(releaseProbe(p2.row, 'b')).toMatchObject({ state: 'half_open', probeOwner: null, probeUntil: null });
  });

  it('calls that started before the breaker opened do not move it', () => {
    const open = failTimes(closedBreaker(), 3);
    expect(afterFailure(open, at(10), policy, false, 'a', 'late')).toBeNull();
    expect(afterSuccess(open, policy, false, 'a')).toBeNull();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import { PostponeJob } from '../../lib/job-control.ts';
import { countsAsFailure, createClockSync } from './store-limits.service.ts';

describe('store limits helpers', () => {
  it('counts 5xx, network errors and our server-side codes as breaker failures, never 4xx, 429 or postponements', () => {
    expect(countsAsFailure(Object.assign(new Error('bad gateway'), { status: 502 }))).toBe(true);
    expect(countsAsFailure(Object.assign(new Error('ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(countsAsFailure(new AppError('UPSTREAM', 'channel down'))).toBe(true);
    expect(countsAsFailure(Object.assign(new Error('not found'), { status: 404 }))).toBe(false);
    expect(countsAsFailure(Object.assign(new Error('slow down'), { statusCode: 429 }))).toBe(false);
    expect(countsAsFailure(new AppError('VALIDATION', 'bad sku'))).toBe(false);
    expect(countsAsFailure(new PostponeJob(new Date(), 'later'))).toBe(false);
    expect(countsAsFailure(Object.assign(new Error('ours'), { breakerIgnores: true }))).toBe(false);
  });

  it('an expired cursor (a ConnectorError of kind cursor_expired) says nothing about the channel health', () => {
    const channelError = (kind: string) => Object.assign(new Error(kind), { name: 'ConnectorError', kind, upstreamStatus: 400 });
    expect(countsAsFailure(channelError('cursor_expired'))).toBe(false);
    expect(countsAsFailure(channelError('upstream'))).toBe(true);
  });

  it('never schedules a slot earlier than the database clock says (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -5000, max: 5000 }),
        fc.array(fc.record({ latency: fc.integer({ min: 0, max: 200 }), wait: fc.integer({ min: 0, max: 1000 }) }), { minLength: 1, maxLength: 50 }),
        (offset, calls) => {
          // Local clock = database clock - offset; each reply arrives `latency` after the database read it.
          let local = 1_000_000;
          const clock = createClockSync(() => local);
          for (const call of calls) {
            const dbNow = local + offset;
            local += call.latency;
            const delay = clock.localDelay(dbNow + call.wait, dbNow);
            // The call goes out at local + delay, which on the database clock is local + delay + offset.
            expect(local + delay + offset).toBeGreaterThanOrEqual(dbNow + call.wait);
          }
        },
      ),
    );
  });
});

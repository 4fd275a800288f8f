import { describe, expect, it } from 'vitest';
import { mapInFlight } from './in-flight.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('mapInFlight', () => {
  it('keeps the order of the items and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapInFlight([30, 5, 20, 1, 10, 2, 8], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await tick(ms);
      running--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:10', '5:2', '6:8']);
    expect(peak).toBe(3);
  });

  it('starts nothing after a failure and rejects with it once the calls in flight settled', async () => {
    const started: number[] = [];
    let settledAfter = 0;
    const run = mapInFlight([1, 2, 3, 4, 5, 6], 2, async (n) => {
      started.push(n);
      if (n === 2) throw new Error('boom');
      await tick(20);
      settledAfter++;
      return n;
    });
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([1, 2]);
    expect(settledAfter).toBe(1);
  });

  it('answers an empty list without calling', async () => {
    expect(await mapInFlight([], 4, async () => 1)).toEqual([]);
  });
});

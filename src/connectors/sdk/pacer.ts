import { sleep as defaultSleep } from '../../lib/sleep.ts';

/**
 * Client-side pacing for channels that publish no limit headers: one call slot every 1000/rate ms
 * across every caller of one client; `limited()` (the channel said "too many") halves the rate, down
 * to `minRate`, and re-plans the slots already handed out. The rate does not creep back up within a
 * client: the store's own token bucket paces across clients.
 */
export function createPacer(options: {
  requestsPerSecond: number;
  minRate?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal?: AbortSignal;
}) {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? defaultSleep;
  const minRate = options.minRate ?? 1;
  let rate = options.requestsPerSecond;
  let nextSlot = 0;
  let epoch = 0;
  return {
    async take(notBefore = 0): Promise<void> {
      for (;;) {
        const seen = epoch;
        const slot = Math.max(now(), nextSlot, notBefore);
        nextSlot = slot + 1000 / rate;
        const delay = slot - now();
        if (delay > 0) await wait(delay, options.signal);
        if (epoch === seen || options.signal?.aborted) return;
      }
    },
    /** The channel refused a call for its rate: slow down, and wait at least `pauseMs` before the next one. */
    limited(pauseMs: number): void {
      epoch++;
      rate = Math.max(minRate, rate / 2);
      nextSlot = now() + Math.max(pauseMs, 1000 / rate);
    },
    rate: () => rate,
  };
}

import { sleep as defaultSleep } from '../../lib/sleep.ts';

/**
 * Client-side pacing for channels that publish no limit headers: one call slot every 1000/rate ms
 * across every caller of one client; `limited()` (the channel said "too many") halves the rate, down
 * to `minRate`, and re-plans the slots already handed out. With `recoverMs` the rate climbs back one
 * call/s at a time after that long without a refusal; without it the rate stays down for the client's
 * life (the store's own token bucket paces across clients).
 */
export function createPacer(options: {
  requestsPerSecond: number;
  minRate?: number;
  recoverMs?: number;
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
  let lastLimitedAt = 0;

  function recover(): void {
    if (options.recoverMs === undefined || rate >= options.requestsPerSecond || now() - lastLimitedAt <= options.recoverMs) return;
    rate = Math.min(options.requestsPerSecond, rate + 1);
    lastLimitedAt = now();
  }

  return {
    /** Waits for this call's slot; `notBefore` (read again on every re-plan) holds it back further, e.g. an endpoint's cool-down. */
    async take(notBefore: number | (() => number) = 0): Promise<void> {
      for (;;) {
        recover();
        const seen = epoch;
        const slot = Math.max(now(), nextSlot, typeof notBefore === 'function' ? notBefore() : notBefore);
        nextSlot = slot + 1000 / rate;
        const delay = slot - now();
        if (delay > 0) await wait(delay, options.signal);
        // A refusal while we waited: the slot was planned at the old rate, plan again.
        if (epoch === seen || options.signal?.aborted) return;
      }
    },
    /** The channel refused a call for its rate: slow down, and wait at least `pauseMs` before the next one. */
    limited(pauseMs: number): void {
      epoch++;
      lastLimitedAt = now();
      rate = Math.max(minRate, rate / 2);
      nextSlot = now() + Math.max(pauseMs, 1000 / rate);
    },
    rate: () => rate,
  };
}

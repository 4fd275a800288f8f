import { sleep as defaultSleep } from '../../lib/sleep.ts';

/**
 * Client-side pacing for one TikTok Shop client. TikTok limits each app per shop and endpoint (QPS listed in
 * Partner Center, no limit headers), so the client spaces its calls evenly at `rate` per second; a 429 halves
 * the rate (not below `floor`) and pushes every waiting call past the pause; after `recoverMs` without one the
 * rate climbs back one step at a time.
 */
export function createPacer(options: {
  rate: number;
  floor?: number;
  recoverMs?: number;
  now?: () => number;
  sleep?: typeof defaultSleep;
  signal?: AbortSignal;
}) {
  const now = options.now ?? Date.now;
  const wait = options.sleep ?? defaultSleep;
  const floor = options.floor ?? 1;
  const recoverMs = options.recoverMs ?? 10_000;
  let rate = options.rate;
  let next = 0;
  let lastLimited = 0;
  let generation = 0;

  async function take(): Promise<void> {
    for (;;) {
      if (rate < options.rate && now() - lastLimited > recoverMs) {
        rate = Math.min(options.rate, rate + 1);
        lastLimited = now();
      }
      const planned = generation;
      const at = Math.max(now(), next);
      next = at + 1000 / rate;
      if (at > now()) await wait(at - now(), options.signal);
      if (planned === generation || options.signal?.aborted) return;
    }
  }

  function limited(pauseMs: number): void {
    generation++;
    lastLimited = now();
    rate = Math.max(floor, rate / 2);
    next = Math.max(next, now() + pauseMs);
  }

  return { take, limited, rate: () => rate };
}

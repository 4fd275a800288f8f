import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Metrics } from '../lib/metrics.ts';
import { sleep } from '../lib/sleep.ts';
import { runWatchdogTick, type WatchdogEngine } from '../modules/operations/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

/**
 * pg-boss cron is per minute, the watchdog must see a stuck job within seconds: each minute's job
 * ticks every `intervalMs` for `durationSeconds`, then the next minute's job takes over. A crashed
 * runner costs at most one minute of watching; overlapping runners are harmless (ticks take an advisory lock).
 */
export const watchdogJob =
  (
    db: Db,
    engine: WatchdogEngine,
    config: Config['watchdog'],
    opts: { metrics?: Metrics; shutdown?: AbortSignal } = {},
  ): JobHandler<{ durationSeconds: number }> =>
  async ({ durationSeconds }, job) => {
    const { metrics } = opts;
    // Ends at once when the process shuts down (not after the grace period) or the job's lease is lost.
    const stop = opts.shutdown ? AbortSignal.any([job.signal, opts.shutdown]) : job.signal;
    const until = Date.now() + durationSeconds * 1000;
    let ticks = 0;
    let opened = 0;
    do {
      const started = Date.now();
      try {
        const result = await runWatchdogTick(db, { thresholds: config.thresholds, autoRecovery: config.autoRecovery, engine, log: job.logger });
        ticks++;
        opened += result.opened.length;
        for (const r of result.recovered) metrics?.recoveries.inc({ outcome: r.outcome });
      } catch (error) {
        job.logger.warn({ err: error }, 'watchdog tick failed; the next tick tries again');
      }
      const wait = config.intervalMs - (Date.now() - started);
      if (wait > 0 && Date.now() + wait < until) await sleep(wait, stop);
    } while (Date.now() < until && !stop.aborted);
    return { ticks, opened };
  };

import type { Db } from '../db/client.ts';
import { runsSummary } from '../modules/operations/index.ts';
import { orgSettings } from '../modules/tenancy/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

/** Start of the local day containing `at` in `timeZone`, as a UTC instant. */
function startOfLocalDay(at: Date, timeZone: string): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const localAsUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  const offsetMs = localAsUtc - Math.floor(at.getTime() / 1000) * 1000;
  return new Date(Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)) - offsetMs);
}

export const jobsDailySummaryJob =
  (db: Db): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    if (!job.orgId) throw new Error('jobs.daily-summary needs an org');
    const { timeZone } = await orgSettings(db, job.orgId);
    const to = startOfLocalDay(new Date(), timeZone);
    const from = startOfLocalDay(new Date(to.getTime() - 12 * 3600_000), timeZone);
    const types = await runsSummary(db, job.orgId, from, to);
    for (const t of types) await job.log(t.dead + t.failed > 0 ? 'warn' : 'info', `${t.type}: ${t.completed} completed, ${t.failed} failed, ${t.dead} dead`, t);
    return { from: from.toISOString(), to: to.toISOString(), timeZone, types: types.length };
  };

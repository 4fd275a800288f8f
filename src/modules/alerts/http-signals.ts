import type { Metrics } from '../../lib/metrics.ts';
import { orgReading, type SignalProviders } from './signals.ts';

/** Long-lived streams and the scrape endpoint would swamp request latency; they are not "the API". */
const ignoredRoutes = new Set(['/api/events', '/metrics', 'unmatched']);

interface Totals {
  buckets: Map<number, number>;
  count: number;
  errors: number;
}

async function readTotals(metrics: Metrics): Promise<Totals> {
  const { values } = await metrics.httpDuration.get();
  const totals: Totals = { buckets: new Map(), count: 0, errors: 0 };
  for (const v of values) {
    const labels = v.labels as Record<string, string | number>;
    if (ignoredRoutes.has(String(labels.route))) continue;
    if (v.metricName?.endsWith('_bucket')) {
      const le = labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(labels.le);
      totals.buckets.set(le, (totals.buckets.get(le) ?? 0) + v.value);
    } else if (v.metricName?.endsWith('_count')) {
      totals.count += v.value;
      if (Number(labels.status) >= 500) totals.errors += v.value;
    }
  }
  return totals;
}

/** The q-quantile from cumulative histogram buckets (linear inside the bucket, like PromQL's histogram_quantile). */
export function quantileFromBuckets(buckets: Map<number, number>, q: number): number | null {
  const sorted = [...buckets.entries()].sort((a, b) => a[0] - b[0]);
  const total = sorted.at(-1)?.[1] ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const [le, count] of sorted) {
    if (count >= rank) {
      if (!Number.isFinite(le)) return prevLe;
      return count === prevCount ? le : prevLe + ((le - prevLe) * (rank - prevCount)) / (count - prevCount);
    }
    prevLe = le;
    prevCount = count;
  }
  return prevLe;
}

/**
 * API p95 and error rate from this process's own prom-client histogram, over the window since the previous
 * evaluation (the first window starts at process start). Per process: with several `nexo serve` processes each
 * judges its own traffic (the PromQL rules in docs/operations.md judge the fleet). The same figure applies to every
 * org (requests are not labelled by org). Windows with fewer than `minRequests` requests answer "no data" (one slow
 * request in a quiet minute is not an outage).
 */
export function httpSignalProviders(metrics: Metrics, minRequests = 20): SignalProviders {
  let previous: Totals = { buckets: new Map(), count: 0, errors: 0 };
  let window: { at: number; promise: Promise<Totals> } | undefined;

  const windowAt = (now: Date): Promise<Totals> => {
    if (window?.at === now.getTime()) return window.promise;
    const promise = readTotals(metrics).then((current) => {
      const delta: Totals = { buckets: new Map(), count: current.count - previous.count, errors: current.errors - previous.errors };
      for (const [le, n] of current.buckets) delta.buckets.set(le, n - (previous.buckets.get(le) ?? 0));
      previous = current;
      return delta;
    });
    window = { at: now.getTime(), promise };
    return promise;
  };

  return {
    api_p95: async ({ now, threshold }) => {
      const w = await windowAt(now);
      const p95 = w.count >= minRequests ? quantileFromBuckets(w.buckets, 0.95) : null;
      if (p95 === null) return { status: 'no_data', reason: `fewer than ${minRequests} API requests in this window` };
      return orgReading(Math.round(p95 * 1000) / 1000, threshold, { requests: w.count, scope: 'this process' });
    },
    api_error_rate: async ({ now, threshold }) => {
      const w = await windowAt(now);
      if (w.count < minRequests) return { status: 'no_data', reason: `fewer than ${minRequests} API requests in this window` };
      const rate = Math.round((10_000 * w.errors) / w.count) / 100;
      return orgReading(rate, threshold, { requests: w.count, errors: w.errors, scope: 'this process' });
    },
  };
}

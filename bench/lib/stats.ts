/** Nearest-rank percentile (p in 0..100) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))] as number;
}

export interface Summary {
  n: number;
  min: number;
  median: number;
  max: number;
}

export function summarize(samples: readonly number[]): Summary {
  return { n: samples.length, min: Math.min(...samples), median: percentile(samples, 50), max: Math.max(...samples) };
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** a / b rounded to two decimals (how many times Nexo's figure is the baseline's). */
export const ratio = (a: number, b: number): number => round(a / b, 2);

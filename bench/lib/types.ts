import type { Table } from './table.ts';

/** What every benchmark hands back to bench/run.ts: tables to print and data for results/latest.json. */
export interface BenchResult {
  tables: Table[];
  /** One-line conclusions (goal met or not, ratios). */
  notes: string[];
  data: Record<string, unknown>;
}

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<BenchResult>;
}

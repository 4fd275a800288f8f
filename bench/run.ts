// Runs the benchmarks (all, or those named on the command line), prints a table per benchmark and
// writes bench/results/latest.json.  Usage: node bench/run.ts [startup] [http] [queue-latency] [tasks] [jobs] [sync] [amazon-sync] [shopee-sync] [tiktokshop-sync] [agents] [plans]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatTable } from './lib/table.ts';
import type { Benchmark } from './lib/types.ts';

const registry: Record<string, () => Promise<Benchmark>> = {
  startup: async () => (await import('./startup.bench.ts')).benchmark,
  http: async () => (await import('./http.bench.ts')).benchmark,
  'queue-latency': async () => (await import('./queue-latency.bench.ts')).benchmark,
  tasks: async () => (await import('./tasks.bench.ts')).benchmark,
  jobs: async () => (await import('./jobs.bench.ts')).benchmark,
  sync: async () => (await import('./sync.bench.ts')).benchmark,
  'amazon-sync': async () => (await import('./amazon-sync.bench.ts')).benchmark,
  'shopee-sync': async () => (await import('./shopee-sync.bench.ts')).benchmark,
  'tiktokshop-sync': async () => (await import('./tiktokshop-sync.bench.ts')).benchmark,
  agents: async () => (await import('./agents.bench.ts')).benchmark,
  plans: async () => (await import('./plans.bench.ts')).benchmark,
};

const names = process.argv.slice(2);
const unknown = names.filter((n) => !(n in registry));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(registry).join(', ')}\n`);
  process.exit(2);
}

const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
const machine = {
  nproc: availableParallelism(),
  cpuModel,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  kernel: `${process.platform} ${release()}`,
};
const startedAt = new Date();
process.stdout.write(
  `Nexo benchmarks, ${startedAt.toISOString()}: ${machine.nproc} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}\n`,
);

const results: Record<string, unknown> = {};
let failures = 0;
for (const name of names.length > 0 ? names : Object.keys(registry)) {
  const bench = await (registry[name] as () => Promise<Benchmark>)();
  process.stdout.write(`\n== ${name}: ${bench.description}\n`);
  // Other work on the machine skews every figure: record how busy it was when each benchmark began.
  const loadAverage1m = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  process.stdout.write(`   (1-minute load average at start: ${loadAverage1m})\n`);
  const started = performance.now();
  try {
    const result = await bench.run();
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    for (const table of result.tables) process.stdout.write(`\n${formatTable(table)}\n`);
    for (const note of result.notes) process.stdout.write(`  ${note}\n`);
    process.stdout.write(`  (${seconds} s)\n`);
    results[name] = { description: bench.description, loadAverage1m, seconds, notes: result.notes, ...result.data };
  } catch (error) {
    failures++;
    process.stderr.write(`\n${name} FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    results[name] = { description: bench.description, loadAverage1m, error: String(error) };
  }
}

const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const report = { startedAt: startedAt.toISOString(), finishedAt: new Date().toISOString(), machine, benchmarks: results };
writeFileSync(join(dir, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`\nwrote ${join(dir, 'latest.json')}\n`);
// pg-boss / PGlite may leave timers behind; the results are written, so leave now.
process.exit(failures > 0 ? 1 : 0);

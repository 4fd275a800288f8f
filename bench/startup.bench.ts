import { existsSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../src/lib/logger.ts';
import { ensureWebBuild, webDistDir } from '../src/main/web-build.ts';
import { makeTempDir, type ServerProcess, startBaseline, startNexo } from './lib/server.ts';
import { ratio, round, type Summary, summarize } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/** (b) Cold start to ready: spawn of `node bin/nexo.js serve` until GET /readyz answers 200. */

const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 3);
const log = createLogger({ level: 'warn', pretty: false });

interface Sample {
  readyMs: number;
  rssMiB: number;
}

interface Scenario {
  readyMs: Summary;
  rssMiB: Summary;
  samples: Sample[];
}

const webStamp = () => {
  const index = join(webDistDir, 'index.html');
  return existsSync(index) ? statSync(index).mtimeMs : 0;
};

/**
 * One timed start, then a clean stop. The dashboard is built beforehand; a start during which it
 * was rebuilt anyway (its sources changed meanwhile) is discarded and repeated.
 */
async function timedStart(start: () => Promise<ServerProcess>): Promise<Sample> {
  for (let attempt = 1; ; attempt++) {
    await ensureWebBuild(log);
    const stamp = webStamp();
    const server = await start();
    const sample = { readyMs: round(server.readyMs, 0), rssMiB: round(server.rssMiB) };
    await server.stop();
    if (webStamp() === stamp || attempt === 3) return sample;
  }
}

async function scenario(starts: Array<() => Promise<ServerProcess>>): Promise<Scenario> {
  const samples: Sample[] = [];
  for (const start of starts) samples.push(await timedStart(start));
  return { readyMs: summarize(samples.map((s) => s.readyMs)), rssMiB: summarize(samples.map((s) => s.rssMiB)), samples };
}

export const benchmark: Benchmark = {
  name: 'startup',
  description: `spawn -> GET /readyz 200 of \`nexo serve\` (embedded PGlite), ${RUNS} runs per scenario, vs. a bare Fastify process (spawn -> GET /healthz 200)`,
  async run() {
    const tmp = makeTempDir('startup');
    try {
      const runs = Array.from({ length: RUNS }, (_, i) => i);
      const dirs = runs.map((i) => join(tmp, `data-${i}`));
      const lastDir = dirs.at(-1) as string;
      const baseline = await scenario(runs.map(() => () => startBaseline(tmp)));
      const fresh = await scenario(dirs.map((dir) => () => startNexo(dir, tmp)));
      const existing = await scenario(runs.map(() => () => startNexo(lastDir, tmp)));

      const row = (name: string, s: Scenario) => [
        name,
        s.readyMs.n,
        s.readyMs.min,
        s.readyMs.median,
        s.readyMs.max,
        s.rssMiB.median,
        ratio(s.readyMs.median, baseline.readyMs.median),
      ];
      const ratios = { fresh: ratio(fresh.readyMs.median, baseline.readyMs.median), existing: ratio(existing.readyMs.median, baseline.readyMs.median) };
      return {
        tables: [
          {
            title: 'Cold start to ready (ms from spawn)',
            columns: ['scenario', 'runs', 'min ms', 'median ms', 'max ms', 'RSS MiB (median)', 'x baseline (median)'],
            rows: [row('nexo, new empty data dir', fresh), row('nexo, existing data dir', existing), row('bare fastify (baseline)', baseline)],
          },
        ],
        notes: [
          `First start (initdb + migrations) takes a median ${fresh.readyMs.median} ms, a restart ${existing.readyMs.median} ms (${ratios.fresh}x / ${ratios.existing}x the bare Fastify process).`,
        ],
        data: { runs: RUNS, fresh, existing, baseline, ratios },
      };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

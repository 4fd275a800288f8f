import { rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { makeTempDir, rssMiB, type ServerProcess, startBaseline, startNexo } from './lib/server.ts';
import { ratio, round } from './lib/stats.ts';
import type { Benchmark } from './lib/types.ts';

/** (a) GET /healthz throughput and latency: a real `nexo serve` against a bare Fastify hello-world. */

const CONNECTIONS = 50;
const WARMUP_SECONDS = 2;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 10);

interface Figures {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  requests: number;
  errors: number;
  non2xx: number;
  rssMiBAfter: number;
}

/** Warm-up (discarded), then the measured run; autocannon runs in this process, the server in its own. */
async function load(server: ServerProcess): Promise<Figures> {
  const url = `${server.url}/healthz`;
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS });
  const r = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS });
  return {
    reqPerSec: round(r.requests.average, 0),
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    maxMs: r.latency.max,
    requests: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    rssMiBAfter: round(rssMiB(server.child.pid as number)),
  };
}

async function measure(start: () => Promise<ServerProcess>): Promise<Figures> {
  const server = await start();
  try {
    return await load(server);
  } finally {
    await server.stop();
  }
}

export const benchmark: Benchmark = {
  name: 'http',
  description: `GET /healthz with autocannon: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured, one target at a time`,
  async run() {
    const tmp = makeTempDir('http');
    try {
      const baseline = await measure(() => startBaseline(tmp));
      const nexo = await measure(() => startNexo(join(tmp, 'data'), tmp));
      const row = (name: string, f: Figures) => [name, f.reqPerSec, f.p50Ms, f.p99Ms, f.maxMs, f.errors + f.non2xx, f.rssMiBAfter];
      const ratios = { reqPerSec: ratio(nexo.reqPerSec, baseline.reqPerSec), p99: ratio(nexo.p99Ms, baseline.p99Ms) };
      const failed = nexo.errors + nexo.non2xx + baseline.errors + baseline.non2xx;
      return {
        tables: [
          {
            title: 'GET /healthz',
            columns: ['target', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors+non2xx', 'RSS MiB after'],
            rows: [
              row('nexo serve', nexo),
              row('bare fastify (baseline)', baseline),
              ['nexo / baseline', ratios.reqPerSec, ratio(nexo.p50Ms, baseline.p50Ms), ratios.p99, '', '', ''],
            ],
          },
        ],
        notes: [
          `Nexo serves ${ratios.reqPerSec}x the baseline's req/s; its p99 is ${ratios.p99}x the baseline's.`,
          ...(failed > 0 ? [`WARNING: ${failed} failed or non-2xx responses; the figures are not comparable.`] : []),
        ],
        data: { connections: CONNECTIONS, warmupSeconds: WARMUP_SECONDS, seconds: SECONDS, nexo, baseline, ratios },
      };
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  },
};

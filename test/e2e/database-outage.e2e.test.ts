import { describe, expect, it } from 'vitest';
import { readinessSchema } from '../../src/contracts/system.ts';
import { sleep } from '../../src/lib/sleep.ts';
import { freshServerDatabase, startTestServer } from '../helpers/server.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';
import { serverUrl } from '../helpers/template.ts';

async function readiness(base: string) {
  // Readiness must answer (200 or 503) within its own check budget, never hang.
  const res = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: readinessSchema.parse(await res.json()) };
}

// Generous: after the cut, every pooled connection (the watchdog's, the queue's, the alert evaluation's) must time
// out before the pool reconnects, which took over 30 s on a loaded machine.
async function until(probe: () => Promise<boolean>, timeoutMs = 75_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(250);
  }
}

describe.runIf(serverUrl())('database outage at run time (PostgreSQL)', () => {
  it('/readyz answers 503 naming the database while it is down, and recovers by itself', { timeout: 180_000 }, async () => {
    const databaseUrl = await freshServerDatabase();
    if (!databaseUrl) throw new Error('no database');
    const target = new URL(databaseUrl);
    const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432));
    const viaProxy = new URL(databaseUrl);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const server = await startTestServer({ databaseUrl: viaProxy.toString() });
    try {
      expect((await readiness(server.url)).status).toBe(200);

      proxy.cut();
      await until(async () => (await readiness(server.url)).status === 503);
      const down = await readiness(server.url);
      expect(down.body.status).toBe('unavailable');
      expect(down.body.checks.database.ok).toBe(false);
      expect(down.body.checks.database.error).toBeTruthy();
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      proxy.restore();
      await until(async () => (await readiness(server.url)).status === 200);
      expect((await readiness(server.url)).body.checks).toMatchObject({ database: { ok: true }, queue: { ok: true } });
      expect(server.child.exitCode).toBeNull();
      // A stop after an outage ends, and cleanly: every shutdown step is bounded (runtime.ts).
      expect(await server.stop()).toBe(0);
    } finally {
      await proxy.close();
      await server.destroy();
    }
  });
});

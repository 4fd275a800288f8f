import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signIn } from '../helpers/api-client.ts';
import { runNexo, startTestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse-client.ts';
import { serverUrl, testTmpDir } from '../helpers/template.ts';

const embedded = !serverUrl();

describe('process lifecycle', () => {
  it('stops gracefully on SIGTERM with exit code 0', async () => {
    const server = await startTestServer();
    const owner = await signIn(server.url);
    const stream = await openSse(`${server.url}/api/events`, { cookie: owner.cookie });
    expect(await server.stop()).toBe(0);
    await stream.closed;
    await server.destroy();
  });

  it.runIf(embedded)('refuses a second process on the same data dir, naming the holder pid', async () => {
    const first = await startTestServer();
    try {
      const second = await runNexo(['serve'], { NEXO_DATA_DIR: first.dataDir, PORT: '0', LOG_LEVEL: 'warn', NODE_ENV: 'test' }, 30_000);
      expect(second.code).not.toBe(0);
      expect(second.stderr).toContain(`pid ${first.child.pid}`);
      expect(first.child.exitCode).toBeNull();
    } finally {
      await first.destroy();
    }
  });

  it('after kill -9, a new start succeeds and loses nothing committed', async () => {
    const first = await startTestServer();
    const res = await (await signIn(first.url)).request('POST', '/api/events/test', { message: 'survives kill -9' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await first.kill();

    const restarted = await startTestServer({ dataDir: first.dataDir, ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}) });
    try {
      const owner = await signIn(restarted.url);
      const stream = await openSse(`${restarted.url}/api/events`, { cookie: owner.cookie, 'Last-Event-ID': String(BigInt(id) - 1n) });
      const frames = await stream.waitFor((f) => f.some((x) => x.id === id));
      expect(frames.find((x) => x.id === id)?.data).toContain('survives kill -9');
      stream.close();
    } finally {
      await restarted.destroy();
    }
  });

  it('exits 2 before listening on invalid configuration, one line per bad variable', async () => {
    const result = await runNexo(['serve'], { PORT: 'abc', LOG_LEVEL: 'chatty', NEXO_DATA_DIR: mkdtempSync(join(testTmpDir, 'cfg-')) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^\s+PORT: expected an integer/m);
    expect(result.stderr).toMatch(/^\s+LOG_LEVEL: expected one of|^\s+LOG_LEVEL: expected fatal/m);
  });

  it('exits 2 in production without NEXO_SECRET_KEY', async () => {
    const result = await runNexo(['serve'], { NODE_ENV: 'production', NEXO_DATA_DIR: mkdtempSync(join(testTmpDir, 'cfg-')) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('NEXO_SECRET_KEY: required when NODE_ENV=production');
  });

  it('retries an unreachable database for the configured time, then exits with a clear message', async () => {
    const started = Date.now();
    const result = await runNexo(['serve'], {
      DATABASE_URL: 'postgres://nexo@127.0.0.1:1/nexo',
      NEXO_DB_CONNECT_TIMEOUT_SECONDS: '2',
      LOG_LEVEL: 'warn',
      PORT: '0',
    });
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
    const output = result.stdout + result.stderr;
    expect(output).toContain('database not reachable yet; retrying');
    expect(output).toContain('could not connect to PostgreSQL at DATABASE_URL');
  });
});

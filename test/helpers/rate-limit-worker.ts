/**
 * One worker process for the rate-limit test (src/modules/stores/rate-limit-processes.int.test.ts):
 * its own database pool and its own limiter, calling the loopback receiver as fast as the store's
 * shared bucket allows. Protocol: warms up, prints `ready`, waits for `go <startEpochMs> <durationMs>` on stdin,
 * then prints `done <calls> <postponements>`.
 */
import { createInterface } from 'node:readline';
import { openDatabase } from '../../src/db/client.ts';
import { systemActor } from '../../src/db/context.ts';
import { isPostponeJob } from '../../src/lib/job-control.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { sleep } from '../../src/lib/sleep.ts';
import { createStoreLimits, type Lane } from '../../src/modules/stores/index.ts';

const [url, orgId, storeId, warmupStoreId, target, lane] = process.argv.slice(2) as [string, string, string, string, string, Lane];
const log = createLogger({ level: 'silent', pretty: false });
const database = await openDatabase({ url, poolSize: 2, log });
const limits = createStoreLimits({
  breakerEnabled: true,
  failureThreshold: 5,
  resetTimeoutMs: 60_000,
  halfOpenSuccesses: 2,
  callTimeoutMs: 10_000,
  rateMaxWaitMs: 2_000,
  rateHeadroom: Number(process.env.HEADROOM ?? '0.08'),
});
const ctx = { orgId, db: database.db, log, actor: systemActor('rate-test') };
const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 1 });
const { request } = await import('node:http');

const get = (path: string) =>
  new Promise<void>((resolve, reject) => {
    const req = request(`${target}${path}`, { agent, headers: { 'x-lane': lane } }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', reject);
    req.end();
  });

// Warm up (connections, code paths) on another store, so the first measured call is not a cold start.
for (let i = 0; i < 3; i++) await limits.withStoreLimits(ctx, warmupStoreId, { operation: 'warmup', lane }, () => get('/warmup'));
console.log('ready');
const line = await new Promise<string>((resolve) => createInterface({ input: process.stdin }).once('line', resolve));
const [, start, duration] = line.split(' ').map(Number) as [number, number, number];
await sleep(Math.max(0, start - Date.now()));
let calls = 0;
let postponements = 0;
while (Date.now() < start + duration) {
  try {
    await limits.withStoreLimits(ctx, storeId, { operation: 'hammer', lane }, () => get('/hammer'));
    calls++;
  } catch (error) {
    if (!isPostponeJob(error)) throw error;
    postponements++;
    await sleep(Math.max(0, error.until.getTime() - Date.now()));
  }
}
console.log(`done ${calls} ${postponements}`);
limits.shutdown();
agent.destroy();
await database.close();
process.exit(0);

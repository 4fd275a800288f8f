// One worker process of `bench jobs`. BENCH_JOBS_MODE=layer: Nexo's queue layer (createJobQueue) with a no-op handler;
// nexo: the same with the job_runs observer, as `nexo serve` runs it; raw: plain pg-boss with the same pool size,
// polling, batch size, per-job settlement, concurrency and worker layout. Prints "ready".
import { PgBoss } from 'pg-boss';
import { openDatabase } from '../../src/db/client.ts';
import { createLogger } from '../../src/lib/logger.ts';
import { createJobRunsObserver } from '../../src/modules/operations/index.ts';
import { createJobQueue } from '../../src/queue/job-queue.ts';
import { BATCH_SIZE, benchJobs, CONCURRENCY, type Mode, POLLING_SECONDS, POOL_SIZE, queueOf } from './jobs-catalog.ts';

const url = process.env.DATABASE_URL as string;
const mode = process.env.BENCH_JOBS_MODE as Mode;
const log = createLogger({ level: 'warn', pretty: false });
let stop: () => Promise<void>;

if (mode === 'raw') {
  const boss = new PgBoss({
    connectionString: url,
    max: POOL_SIZE,
    useListenNotify: true,
    schema: 'pgboss',
    superviseIntervalSeconds: 10,
    monitorIntervalSeconds: 10,
  });
  boss.on('error', (error) => log.error({ err: error }, 'pg-boss error'));
  await boss.start();
  // The same worker layout as Nexo's layer: one pg-boss worker per slot, re-fetching as soon as it got jobs; each job of a
  // batch settled on its own (perJobResults), the guarantee Nexo's layer gives.
  for (let slot = 0; slot < CONCURRENCY; slot++) {
    let slotId = '';
    const options = { localConcurrency: 1, pollingIntervalSeconds: POLLING_SECONDS, notifyPollingIntervalSeconds: POLLING_SECONDS };
    slotId =
      BATCH_SIZE > 1
        ? await boss.work(queueOf.raw, { ...options, batchSize: BATCH_SIZE, perJobResults: true as const }, async (jobs) => {
            if (jobs.length > 0) boss.notifyWorker(slotId);
            return jobs.map((job) => ({ id: job.id, status: 'completed' as const }));
          })
        : await boss.work(queueOf.raw, { ...options, batchSize: 1 }, async ([job]) => {
            if (job) boss.notifyWorker(slotId);
          });
  }
  stop = () => boss.stop({ graceful: true, timeout: 2000, close: true });
} else {
  const database = await openDatabase({ url, poolSize: 2, log });
  const name = queueOf[mode];
  const queue = createJobQueue({
    database,
    catalog: { [name]: benchJobs[mode] },
    log,
    pollingSeconds: POLLING_SECONDS,
    poolSize: POOL_SIZE,
    ...(mode === 'nexo' ? { observer: createJobRunsObserver(database) } : {}),
  });
  await queue.start();
  await queue.work(name, async () => undefined);
  stop = async () => {
    await queue.stop(2000);
    await database.close();
  };
}
process.stdout.write('ready\n');
process.once('SIGTERM', () => void stop().then(() => process.exit(0)));

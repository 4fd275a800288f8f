import type { FastifyInstance } from 'fastify';
import { type Config, resolveSecretKey } from '../config.ts';
import { jobCatalog } from '../contracts/jobs.ts';
import { type Database, openDatabase } from '../db/client.ts';
import { acquireDataDirLock, type DataDirLock } from '../db/data-dir-lock.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { createEventBus, type EventBus } from '../events/event-bus.ts';
import { buildApp } from '../http/app.ts';
import { createLlmClient } from '../lib/llm/llm.client.ts';
import type { LlmClient } from '../lib/llm/llm.types.ts';
import type { Logger } from '../lib/logger.ts';
import { createMailer } from '../lib/mailer.ts';
import { createMetrics, type Metrics } from '../lib/metrics.ts';
import { DeadlineExceeded, within } from '../lib/within.ts';
import { openAlertCounts } from '../modules/alerts/index.ts';
import { createJobRunsObserver, openPatternCounts, queueDepthByType } from '../modules/operations/index.ts';
import { allBreakerStates, allBucketTokens, createStoreLimits, type StoreLimits } from '../modules/stores/index.ts';
import { taskCountsByStatus } from '../modules/tasks/index.ts';
import { type BootstrapResult, ensureBootstrap, prepareEnvAgentTokens } from '../modules/tenancy/index.ts';
import { createJobQueue, type JobQueue } from '../queue/job-queue.ts';
import { type DemoStoresResult, ensureDemoStores, startDemoEmulator } from './demo.ts';
import { healthSourcesFor } from './health-sources.ts';
import { registerJobs, registerSchedules } from './register-jobs.ts';
import { version } from './version.ts';
import { ensureWebBuild, webDistDir } from './web-build.ts';

export interface RuntimeOptions {
  config: Config;
  log: Logger;
  /** serve: HTTP (+ workers when enabled); worker: workers only. */
  role: 'serve' | 'worker';
  /** Skip building the dashboard (tests that only drive the API). */
  skipWebBuild?: boolean;
}

export interface Runtime {
  /** What the first start created (org + owner), to print once. */
  bootstrap: BootstrapResult;
  /** NEXO_DEMO: the in-process emulator and the demo stores connected or refreshed at this start. */
  demo?: DemoStoresResult & { emulatorUrl: string };
  config: Config;
  database: Database;
  queue: JobQueue<typeof jobCatalog>;
  bus: EventBus;
  metrics: Metrics;
  /** Circuit breakers + token buckets for channel calls (handed to connectors through the SDK). */
  storeLimits: StoreLimits;
  /** LLM mode: the model client built once from NEXO_LLM_* (null when not configured), injected into jobs and routes. */
  llm: LlmClient | null;
  app?: FastifyInstance;
  url?: string;
  stop(reason?: string): Promise<void>;
}

/** Opens everything in dependency order; on failure closes what was opened and rethrows. */
export async function startRuntime({ config: givenConfig, log, role, skipWebBuild }: RuntimeOptions): Promise<Runtime> {
  let config = givenConfig;
  // Shutdown steps run in reverse order, each bounded: a step that hangs (a pool waiting for a connection lost in
  // an outage) is reported and skipped, so a stop always ends.
  const cleanups: ShutdownStep[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await runShutdownStep(step, log);
    cleanups.length = 0;
  };
  const graceMs = config.queue.shutdownGraceMs;

  try {
    let lock: DataDirLock | undefined;
    if (config.mode === 'embedded') {
      lock = acquireDataDirLock(config.dataDir);
      cleanups.push(step('data dir lock', () => lock?.release()));
    }
    const secretKey = resolveSecretKey(config);
    const demo = config.demo && role === 'serve' ? await startDemoEmulator() : null;
    if (demo) {
      cleanups.push(step('demo emulator', () => demo.emulator.close()));
      // The demo's Kaway store fetches its feeds from the emulator on loopback: allow exactly that origin.
      config = { ...config, feeds: { ...config.feeds, allowOrigins: [...config.feeds.allowOrigins, demo.origin] } };
    }

    const database = await openDatabase({
      ...(config.db.url ? { url: config.db.url } : { dataDir: config.db.dataDir }),
      poolSize: config.db.poolSize,
      connectTimeoutMs: config.db.connectTimeoutMs,
      log,
    });
    cleanups.push(step('database', () => database.close()));
    await migrateDatabase(database);

    const metrics = createMetrics();
    metrics.taskCounts.read = () => taskCountsByStatus(database.db);
    metrics.jobQueue.read = () => queueDepthByType(database.db);
    metrics.stuckPatterns.read = () => openPatternCounts(database.db);
    metrics.openAlerts.read = () => openAlertCounts(database.db);
    metrics.breakerStates.read = () => allBreakerStates(database.db);
    metrics.bucketTokens.read = () => allBucketTokens(database.db, config.resilience.rateHeadroom);
    const storeLimits = createStoreLimits({ ...config.resilience, metrics });
    cleanups.push(step('store limits', () => storeLimits.shutdown()));
    const llm = createLlmClient(config.llm, { metrics, log: log.child({ component: 'llm' }) });
    if (llm) log.info({ model: llm.model, host: llm.status?.().baseUrlHost }, 'LLM mode on: agents and plans ask the model, rule packs are the fallback');
    const queue = createJobQueue({
      database,
      catalog: jobCatalog,
      log: log.child({ component: 'queue' }),
      metrics,
      observer: createJobRunsObserver(database),
      pollingSeconds: config.queue.pollingSeconds,
      superviseSeconds: config.queue.superviseSeconds,
    });
    await queue.start();
    cleanups.push(step('job queue', () => queue.stop(graceMs), graceMs + STEP_LIMIT_MS));

    const bus = createEventBus(database, log.child({ component: 'events' }));
    await bus.start();
    cleanups.push(step('event bus', () => bus.stop()));

    const bootstrap = role === 'serve' ? await ensureBootstrap(database.db, config.bootstrap, new Date()) : ({ created: false } as const);
    const envTokens = await prepareEnvAgentTokens(database.db, config.auth.agentEnvTokens, config.auth.defaultOrgSlug);
    const mailer = createMailer({
      ...(config.mail.smtpUrl ? { smtpUrl: config.mail.smtpUrl } : {}),
      from: config.mail.from,
      log: log.child({ component: 'mail' }),
    });
    const auth = {
      secretKey,
      session: { idleMs: config.auth.sessionIdleMs, maxMs: config.auth.sessionMaxMs },
      throttle: { maxFailures: config.auth.loginMaxFailures, lockMs: config.auth.loginLockMs },
    };

    // Aborted first on stop (cleanups run in reverse), so long-running system loops (the watchdog) end before the queue drains.
    const shutdown = new AbortController();
    cleanups.push(step('system loops', () => shutdown.abort()));
    const jobDeps = { config, queue, bus, database, metrics, log, storeLimits, llm, shutdown: shutdown.signal };
    await registerSchedules(jobDeps);
    // Before the workers start, so a sync left queued by the previous run already sees this run's emulator.
    const demoStores = demo
      ? await ensureDemoStores({
          db: database.db,
          log,
          secrets: { secretKey, feeds: config.feeds },
          demo,
          enqueueSync: (orgId, storeId, mode) =>
            queue
              .enqueue('stores.sync', { orgId, storeId, mode }, { orgId, storeId })
              .catch((error) => log.warn({ err: error, storeId }, 'could not queue a demo store sync')),
        })
      : null;
    if (config.queue.workers || role === 'worker') await registerJobs(jobDeps);

    const runtime: Runtime = {
      bootstrap,
      ...(demo && demoStores ? { demo: { ...demoStores, emulatorUrl: demo.emulator.url } } : {}),
      config,
      database,
      queue,
      bus,
      metrics,
      storeLimits,
      llm,
      async stop(reason = 'stop requested') {
        log.info({ reason, graceMs: config.queue.shutdownGraceMs }, 'shutting down: no new requests or jobs; finishing in-flight work');
        await cleanup();
        log.info('stopped');
      },
    };

    if (role === 'serve') {
      if (!skipWebBuild) await ensureWebBuild(log);
      const app = await buildApp({
        config,
        database,
        queue,
        bus,
        metrics,
        log,
        version,
        auth,
        envTokens,
        mailer,
        webDir: webDistDir,
        healthSources: healthSourcesFor(database, config),
        storeLimits,
        llm,
      });
      // Runs first on stop: stop taking requests (in-flight ones finish) before the queue drains.
      cleanups.push(step('http', () => closeWithin(app, graceMs, log), graceMs + STEP_LIMIT_MS));
      const address = await app.listen({ host: config.http.host, port: config.http.port });
      runtime.app = app;
      runtime.url = config.http.publicUrl ?? address.replace('127.0.0.1', 'localhost').replace('[::1]', 'localhost');
    }
    return runtime;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/** How long a shutdown step may take (on top of the grace period for the steps that drain work). */
const STEP_LIMIT_MS = 5000;

interface ShutdownStep {
  name: string;
  run: () => Promise<void> | void;
  limitMs: number;
}

const step = (name: string, run: ShutdownStep['run'], limitMs = STEP_LIMIT_MS): ShutdownStep => ({ name, run, limitMs });

async function runShutdownStep({ name, run, limitMs }: ShutdownStep, log: Logger): Promise<void> {
  const started = performance.now();
  try {
    await within(Promise.resolve().then(run), limitMs);
    log.debug({ step: name, ms: Math.round(performance.now() - started) }, 'shutdown step done');
  } catch (error) {
    if (error instanceof DeadlineExceeded) log.warn({ step: name, limitMs }, `shutdown step "${name}" still running after ${limitMs} ms; moving on`);
    else log.warn({ step: name, err: error }, `shutdown step "${name}" failed`);
  }
}

async function closeWithin(app: FastifyInstance, graceMs: number, log: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      log.warn({ graceMs }, 'HTTP requests still running after the grace period; closing their connections');
      app.server.closeAllConnections();
      resolve();
    }, graceMs);
  });
  await Promise.race([app.close(), timeout]);
  clearTimeout(timer);
}

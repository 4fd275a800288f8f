import { loadConfig } from '../../src/config.ts';
import { createEventBus } from '../../src/events/event-bus.ts';
import { buildApp } from '../../src/http/app.ts';
import type { AppDeps } from '../../src/http/deps.ts';
import { createMailer } from '../../src/lib/mailer.ts';
import { createMetrics } from '../../src/lib/metrics.ts';
import { testKey } from './ctx.ts';
import type { TestDatabase } from './database.ts';
import { silentLog } from './template.ts';

/** The HTTP app in this process on a test database (not listening): test defaults for every dependency but those given. */
export function buildTestApp(t: TestDatabase, deps: Pick<AppDeps, 'queue'> & Partial<AppDeps>) {
  return buildApp({
    config: loadConfig({}),
    database: t.database,
    bus: createEventBus(t.database, silentLog),
    metrics: createMetrics(),
    log: silentLog,
    version: 'test',
    auth: { secretKey: testKey, session: { idleMs: 600_000, maxMs: 1_200_000 }, throttle: { maxFailures: 5, lockMs: 60_000 } },
    envTokens: [],
    mailer: createMailer({ from: 'x <x@x>', log: silentLog }),
    ...deps,
  });
}

/** The HTTP app in this process on a test database and a random loopback port (routes tests that need in-process jobs). */
export async function startInProcessApp(t: TestDatabase, deps: Pick<AppDeps, 'queue'> & Partial<AppDeps>) {
  const app = await buildTestApp(t, deps);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url };
}

import { type Config, ConfigError, loadConfig } from '../config.ts';
import { type Database, openDatabase, pingDatabase } from '../db/client.ts';
import { acquireDataDirLock, DataDirLockedError } from '../db/data-dir-lock.ts';
import { migrationStatus } from '../db/migrate.ts';
import { createLogger } from '../lib/logger.ts';

interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

const print = (r: CheckResult) => process.stdout.write(`${r.ok ? 'ok  ' : 'FAIL'}  ${r.name.padEnd(12)} ${r.detail}\n`);

/** `nexo doctor`: config, database, migrations, job engine; non-zero exit when any check fails. */
export async function doctor(): Promise<number> {
  const results: CheckResult[] = [];
  const record = (r: CheckResult) => {
    results.push(r);
    print(r);
  };

  let config: Config;
  try {
    config = loadConfig();
    record({ name: 'config', ok: true, detail: `${config.mode} mode, NODE_ENV=${config.env}, data dir ${config.dataDir}` });
  } catch (error) {
    record({ name: 'config', ok: false, detail: error instanceof ConfigError ? error.problems.join('; ') : String(error) });
    return 1;
  }

  const log = createLogger({ level: 'silent', pretty: false });
  let database: Database | undefined;
  let release: (() => void) | undefined;
  try {
    if (config.mode === 'embedded') release = acquireDataDirLock(config.dataDir).release;
    database = await openDatabase({ ...(config.db.url ? { url: config.db.url } : { dataDir: config.db.dataDir }), connectTimeoutMs: 0, log });
    const ms = await pingDatabase(database);
    record({ name: 'database', ok: true, detail: `${database.kind} answered in ${ms.toFixed(1)} ms` });
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      record(await checkRunningServer(config, error.pid));
      return results.every((r) => r.ok) ? 0 : 1;
    }
    record({ name: 'database', ok: false, detail: (error as Error).message });
    release?.();
    return 1;
  }

  try {
    const status = await migrationStatus(database);
    const current = status.applied === status.available;
    record({
      name: 'migrations',
      ok: current,
      detail: current ? `${status.applied} of ${status.available} applied` : `${status.applied} of ${status.available} applied: run \`nexo migrate\``,
    });

    const rows = await database.execute<{ version: number | null }>(
      "select (select version from pgboss.version limit 1) as version where exists (select 1 from information_schema.tables where table_schema = 'pgboss' and table_name = 'version')",
    );
    const bossVersion = rows[0]?.version ?? null;
    record({
      name: 'job engine',
      ok: bossVersion !== null,
      detail: bossVersion !== null ? `pg-boss schema v${bossVersion} installed` : 'pg-boss schema missing: start `nexo serve` or `nexo migrate` once',
    });
  } catch (error) {
    record({ name: 'job engine', ok: false, detail: (error as Error).message });
  } finally {
    await database.close();
    release?.();
  }
  return results.every((r) => r.ok) ? 0 : 1;
}

async function checkRunningServer(config: Config, pid: number): Promise<CheckResult> {
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host;
  const url = `http://${host}:${config.http.port}/readyz`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { status: string; checks: Record<string, { ok: boolean; error?: string }> };
    const failing = Object.entries(body.checks)
      .filter(([, c]) => !c.ok)
      .map(([k, c]) => `${k}: ${c.error}`);
    return {
      name: 'server',
      ok: res.ok,
      detail: `data dir held by running Nexo pid ${pid}; ${url} says ${body.status}${failing.length ? ` (${failing.join(', ')})` : ''}`,
    };
  } catch (error) {
    return { name: 'server', ok: false, detail: `data dir held by pid ${pid} but ${url} did not answer: ${(error as Error).message}` };
  }
}

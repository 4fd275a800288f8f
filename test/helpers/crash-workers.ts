import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { repoRoot } from './server.ts';

const workerScript = join(repoRoot, 'test', 'fixtures', 'crash-worker.ts');

export interface CrashWorker {
  child: ChildProcess;
  /** Resolves when the worker printed that it is fetching jobs; rejects if it exited first. */
  ready: Promise<void>;
  isReady(): boolean;
  exited: Promise<number | null>;
  output(): string;
}

/** Starts test/fixtures/crash-worker.ts (Nexo's queue and database layers), or another worker `script` printing the same line, as a real child process. */
export function startCrashWorker(databaseUrl: string, leaseSeconds: number, script = workerScript): CrashWorker {
  const child = spawn(process.execPath, [script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', DATABASE_URL: databaseUrl, CRASH_LEASE_SECONDS: String(leaseSeconds), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let ready = false;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const readyPromise = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (d) => {
      out += d;
      if (!ready && out.includes('crash-worker ready')) {
        ready = true;
        resolve();
      }
    });
    void exited.then((code) => reject(new Error(`crash worker exited (${code}) before it was ready:\n${out.slice(-2000)}`)));
  });
  readyPromise.catch(() => undefined);
  child.stderr?.on('data', (d) => {
    out = (out + d).slice(-20_000);
  });
  return { child, ready: readyPromise, isReady: () => ready && child.exitCode === null && child.signalCode === null, exited, output: () => out };
}

export async function killHard(worker: CrashWorker): Promise<void> {
  worker.child.kill('SIGKILL');
  await worker.exited;
}

/** Job states of one queue, e.g. { completed: 1000 }. */
export async function jobStates(client: pg.Client, name: string): Promise<Record<string, number>> {
  const { rows } = await client.query<{ state: string; n: number }>('select state, count(*)::int as n from pgboss.job where name = $1 group by state', [name]);
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

export async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

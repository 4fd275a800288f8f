import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { testOwner } from './api-client.ts';
import { randomSuffix } from './random.ts';

export { testOwner };

import { adminQuery, serverUrl, testTmpDir, withDatabase } from './template.ts';

export const repoRoot = join(import.meta.dirname, '..', '..');
export const nexoBin = join(repoRoot, 'bin', 'nexo.js');

export interface TestServer {
  url: string;
  dataDir: string;
  databaseUrl?: string;
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL: a crash, no cleanup at all. */
  kill(): Promise<void>;
  /** Stop, then delete its data dir and database. */
  destroy(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Reuse a data dir (embedded) or database URL (PostgreSQL) from an earlier server. */
  dataDir?: string;
  databaseUrl?: string;
  timeoutMs?: number;
  /** `nexo worker` instead of `nexo serve` (PostgreSQL only); `url` is then empty. */
  command?: 'serve' | 'worker';
}

const baseEnv = (): Record<string, string> => {
  const { PATH, HOME, LANG, TMPDIR } = process.env;
  return Object.fromEntries(Object.entries({ PATH, HOME, LANG, TMPDIR }).filter(([, v]) => v !== undefined)) as Record<string, string>;
};

/** A fresh database for one server: a clone of the e2e template on PostgreSQL, nothing (a new data dir) on PGlite. */
export async function freshServerDatabase(): Promise<string | undefined> {
  const server = serverUrl();
  if (!server) return undefined;
  const name = `nexo_s_${randomSuffix()}`;
  await adminQuery(`create database ${name} template ${inject('template')}`);
  return withDatabase(server, name);
}

/** A new data dir; in embedded mode it starts as a copy of the migrated template (skips initdb). */
export function freshDataDir(prefix = 'nexo-'): string {
  const dir = mkdtempSync(join(testTmpDir, prefix));
  if (!serverUrl()) cpSync(join(inject('template'), 'data'), join(dir, 'data'), { recursive: true });
  return dir;
}

export function runNexo(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [nexoBin, ...args], {
      env: { ...baseEnv(), ...env },
      cwd: repoRoot,
      stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => (stdout += d));
    child.stderr?.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nexo ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts `nexo serve` on a random port and resolves once it printed its URL. */
export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? mkdtempSync(join(testTmpDir, 'server-'));
  const databaseUrl = options.databaseUrl ?? (options.dataDir ? undefined : await freshServerDatabase());
  // Embedded: start on a copy of the migrated template data dir (skips PGlite's initdb, ~6 s).
  if (!databaseUrl && !options.dataDir) cpSync(join(inject('template'), 'data'), join(dataDir, 'data'), { recursive: true });
  const env: Record<string, string> = {
    ...baseEnv(),
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    NEXO_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    NEXO_SHUTDOWN_GRACE_SECONDS: '5',
    NEXO_OWNER_EMAIL: testOwner.email,
    NEXO_OWNER_PASSWORD: testOwner.password,
    // Tests start from an empty org; demo.e2e.test.ts turns the demo stores on.
    NEXO_DEMO: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...options.env,
  };
  const command = options.command ?? 'serve';
  const child = spawn(process.execPath, [nexoBin, command], { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server not ready within ${options.timeoutMs ?? 60_000} ms:\n${out}`)), options.timeoutMs ?? 60_000);
    const onData = () => {
      const match = command === 'serve' ? /Nexo is ready on (http:\/\/\S+)/.exec(out) : /Nexo worker is ready/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] ?? '');
      }
    };
    child.stdout?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before it was ready:\n${out}`));
    });
  });

  let signalled = false;
  const stop = async () => {
    if (!signalled) {
      signalled = true;
      child.kill('SIGTERM');
    }
    return exited;
  };
  return {
    url,
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    child,
    output: () => out,
    stop,
    async kill() {
      signalled = true;
      child.kill('SIGKILL');
      await exited;
    },
    async destroy() {
      await stop();
      removeDataDir(dataDir);
      if (databaseUrl) await dropServerDatabase(databaseUrl);
    },
  };
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function dropServerDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (/^nexo_[a-z0-9_]+$/.test(name)) await adminQuery(`drop database if exists ${name} with (force)`);
}

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const repoRoot = join(import.meta.dirname, '..', '..');
const nexoBin = join(repoRoot, 'bin', 'nexo.js');
const baselineBin = join(import.meta.dirname, 'baseline-server.ts');

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Spawn until the ready path first answered 200. */
  readyMs: number;
  /** Resident set size right after ready (VmRSS), MiB. */
  rssMiB: number;
  output(): string;
  /** SIGTERM, wait for the exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

interface SpawnOptions {
  args: string[];
  env?: Record<string, string>;
  cwd: string;
  /** Polled every `pollMs` from the moment of spawn until it answers 200. */
  readyPath: string;
  timeoutMs?: number;
  pollMs?: number;
}

/** Only what a server needs from the harness' environment (no DATABASE_URL or the like leaking in). */
const baseEnv = (): Record<string, string> => {
  const { PATH, HOME, LANG, TMPDIR } = process.env;
  return Object.fromEntries(Object.entries({ PATH, HOME, LANG, TMPDIR }).filter(([, v]) => v !== undefined)) as Record<string, string>;
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The status of one GET (a fresh connection, no keep-alive), or undefined when nothing answers. */
export function httpStatus(url: string, timeoutMs = 1000): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export function rssMiB(pid: number): number {
  return memoryMiB(pid).rss;
}

/** VmRSS and VmHWM (the peak since the process started) of a process, MiB to one decimal. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!match?.[1]) throw new Error(`no ${field} for pid ${pid}`);
    return Number(match[1]);
  };
  return { rss: Math.round(kib('VmRSS') / 102.4) / 10, peak: Math.round(kib('VmHWM') / 102.4) / 10 };
}

/** CPU seconds (user + system) a process has used so far (clock ticks of 1/100 s). */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Spawns a Node process on a free 127.0.0.1 port and resolves once `readyPath` answers 200. */
export async function spawnServer(options: SpawnOptions): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...baseEnv(), NODE_ENV: 'production', ...options.env, HOST: '127.0.0.1', PORT: String(port) };
  const started = performance.now();
  const child = spawn(process.execPath, options.args, { env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const collect = (chunk: Buffer) => {
    out = (out + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exitCode: number | null | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exitCode = code ?? (signal ? -1 : null);
      resolve();
    }),
  );

  const stop = async () => {
    if (exitCode !== undefined) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = started + (options.timeoutMs ?? 60_000);
  for (;;) {
    if (exitCode !== undefined) throw new Error(`${options.args.join(' ')} exited (${exitCode}) before it was ready:\n${out}`);
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`${options.args.join(' ')} not ready within ${options.timeoutMs ?? 60_000} ms:\n${out}`);
    }
    if ((await httpStatus(url + options.readyPath)) === 200) break;
    await sleep(options.pollMs ?? 10);
  }
  const readyMs = performance.now() - started;
  return { child, url, readyMs, rssMiB: rssMiB(child.pid as number), output: () => out, stop };
}

/** One key per harness run, so a second start on the same data dir can read what the first encrypted. */
const secretKey = randomBytes(32).toString('hex');

/** A temp dir for data dirs and as the servers' cwd (so no `.env` in the repo is picked up). */
export const makeTempDir = (prefix: string): string => mkdtempSync(join(tmpdir(), `nexo-bench-${prefix}-`));

/**
 * `node bin/nexo.js serve` (NODE_ENV=production, LOG_LEVEL=warn, the harness's secret key), ready when GET /readyz
 * answers 200. `env` says where its data lives (NEXO_DATA_DIR, DATABASE_URL) and anything else it needs.
 */
export function startNexoServe(cwd: string, env: Record<string, string>, timeoutMs = 120_000): Promise<ServerProcess> {
  return spawnServer({
    args: [nexoBin, 'serve'],
    cwd,
    readyPath: '/readyz',
    timeoutMs,
    env: { NEXO_SECRET_KEY: secretKey, NEXO_SHUTDOWN_GRACE_SECONDS: '5', LOG_LEVEL: 'warn', ...env },
  });
}

/** `nexo serve` on an embedded data dir. */
export function startNexo(dataDir: string, cwd: string): Promise<ServerProcess> {
  return startNexoServe(cwd, { NEXO_DATA_DIR: dataDir });
}

/** The bare Fastify hello-world, ready when GET /healthz answers 200. */
export function startBaseline(cwd: string): Promise<ServerProcess> {
  return spawnServer({ args: [baselineBin], cwd, readyPath: '/healthz' });
}

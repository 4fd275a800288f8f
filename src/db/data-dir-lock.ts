import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/**
 * One process per embedded data dir: two PGlite instances on the same files silently lose writes.
 * The lock file holds the holder's pid; a lock whose pid is gone (kill -9) is stale and taken over.
 */
export class DataDirLockedError extends Error {
  readonly pid: number;
  constructor(dir: string, pid: number) {
    super(`Another Nexo process (pid ${pid}) is using the data dir ${dir}. Stop it first, or point NEXO_DATA_DIR at another directory.`);
    this.name = 'DataDirLockedError';
    this.pid = pid;
  }
}

export interface DataDirLock {
  file: string;
  release(): void;
}

interface LockContent {
  pid: number;
  host: string;
  startedAt: string;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function readHolder(file: string): LockContent | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LockContent;
  } catch {
    return null;
  }
}

export function acquireDataDirLock(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'nexo.lock');
  const content: LockContent = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, JSON.stringify(content), { flag: 'wx', mode: 0o600 });
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(file);
      const sameHost = !holder || holder.host === hostname();
      if (holder && holder.pid !== process.pid && (!sameHost || isAlive(holder.pid))) {
        throw new DataDirLockedError(dir, holder.pid);
      }
      // Stale (holder died) or unreadable half-written lock: remove it and race for it again.
      rmSync(file, { force: true });
    }
  }
  const holder = readHolder(file);
  throw new DataDirLockedError(dir, holder?.pid ?? -1);
}

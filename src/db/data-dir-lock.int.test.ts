import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDataDirLock, DataDirLockedError } from './data-dir-lock.ts';

const tempDir = () => mkdtempSync(join(tmpdir(), 'nexo-lock-'));

describe('data dir lock', () => {
  it('refuses a second holder while a live process holds it, naming its pid', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, 'nexo.lock'), JSON.stringify({ pid: child.pid, host: hostname(), startedAt: new Date().toISOString() }));
      let caught: unknown;
      try {
        acquireDataDirLock(dir);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(DataDirLockedError);
      expect((caught as Error).message).toContain(`pid ${child.pid}`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('takes over a stale lock whose process is gone', async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    writeFileSync(join(dir, 'nexo.lock'), JSON.stringify({ pid: child.pid, host: hostname(), startedAt: new Date().toISOString() }));
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
    expect(existsSync(lock.file)).toBe(false);
  });

  it('takes over a half-written lock file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'nexo.lock'), '{"pid":');
    const lock = acquireDataDirLock(dir);
    expect(JSON.parse(readFileSync(lock.file, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('release is idempotent and never removes another holder’s lock', () => {
    const dir = tempDir();
    const lock = acquireDataDirLock(dir);
    writeFileSync(lock.file, JSON.stringify({ pid: 999_999_999, host: hostname(), startedAt: '' }));
    lock.release();
    lock.release();
    expect(existsSync(lock.file)).toBe(true);
  });
});

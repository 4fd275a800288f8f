import { afterAll, describe, expect, it } from 'vitest';
import { dropServerDatabase, freshDataDir, freshServerDatabase, removeDataDir, runNexo } from '../helpers/server.ts';

describe('nexo CLI', () => {
  const dataDir = freshDataDir('cli-');
  let databaseUrl: string | undefined;
  const env = () => ({ NEXO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });

  afterAll(async () => {
    removeDataDir(dataDir);
    if (databaseUrl) await dropServerDatabase(databaseUrl);
  });

  it('--help lists every command, and each command has --help', async () => {
    const help = await runNexo(['--help'], {});
    expect(help.code).toBe(0);
    for (const command of ['serve', 'worker', 'migrate', 'doctor', 'version']) {
      expect(help.stdout).toContain(command);
      const sub = await runNexo([command, '--help'], {});
      expect(sub.code).toBe(0);
      expect(sub.stdout).toContain(`Usage: nexo ${command}`);
    }
  });

  it('version prints the package version', async () => {
    const { version } = (await import('../../package.json', { with: { type: 'json' } })).default;
    const result = await runNexo(['version'], {});
    expect(result.stdout.trim()).toBe(version);
  });

  it('an unknown command exits 2', async () => {
    expect((await runNexo(['frobnicate'], {})).code).toBe(2);
  });

  it('migrate applies everything and is a no-op the second time; doctor then reports all ok', async () => {
    databaseUrl = await freshServerDatabase();
    const first = await runNexo(['migrate'], env());
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/migrations: (\d+) of \1 applied/);
    const again = await runNexo(['migrate'], env());
    expect(again.code).toBe(0);
    const doctor = await runNexo(['doctor'], env());
    expect(doctor.code).toBe(0);
    for (const check of ['config', 'database', 'migrations', 'job engine']) expect(doctor.stdout).toMatch(new RegExp(`^ok\\s+${check}`, 'm'));
  });

  it('doctor fails with a non-zero exit when the database is unreachable', async () => {
    const result = await runNexo(['doctor'], { DATABASE_URL: 'postgres://nexo@127.0.0.1:1/nexo', LOG_LEVEL: 'silent' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL\s+database/m);
  });

  it('doctor fails on invalid configuration', async () => {
    const result = await runNexo(['doctor'], { PORT: 'nope' });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^FAIL\s+config\s+PORT:/m);
  });

  it('worker refuses embedded mode with a clear message', async () => {
    const result = await runNexo(['worker'], { NEXO_DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('needs DATABASE_URL');
  });
});

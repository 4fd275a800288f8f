import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, readEnv, resolveSecretKey } from './config.ts';

describe('secret key', () => {
  it('is generated once into the data dir with mode 0600 and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexo-key-'));
    const config = loadConfig({ NEXO_DATA_DIR: dir });
    const first = resolveSecretKey(config);
    const file = join(dir, 'secret.key');
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveSecretKey(config).equals(first)).toBe(true);
  });

  it('comes from NEXO_SECRET_KEY when set, writing nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexo-key-'));
    const key = resolveSecretKey(loadConfig({ NEXO_DATA_DIR: dir, NEXO_SECRET_KEY: '01'.repeat(32) }));
    expect(key.toString('hex')).toBe('01'.repeat(32));
    expect(() => statSync(join(dir, 'secret.key'))).toThrow();
  });

  it('refuses a corrupted key file instead of silently making a new one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexo-key-'));
    writeFileSync(join(dir, 'secret.key'), 'garbage');
    expect(() => resolveSecretKey(loadConfig({ NEXO_DATA_DIR: dir }))).toThrow(ConfigError);
    expect(readFileSync(join(dir, 'secret.key'), 'utf8')).toBe('garbage');
  });
});

describe('.env file', () => {
  it('is read under the real environment, which wins', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nexo-env-'));
    writeFileSync(join(dir, '.env'), 'PORT=4100\nLOG_LEVEL=debug\n');
    const env = readEnv({ PORT: '4200' }, dir);
    const config = loadConfig(env);
    expect(config.http.port).toBe(4200);
    expect(config.log.level).toBe('debug');
  });
});

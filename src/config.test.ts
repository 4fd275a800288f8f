import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const configError = (env: Record<string, string>): ConfigError => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('gives embedded defaults with no environment', () => {
    const config = loadConfig({});
    expect(config.mode).toBe('embedded');
    expect(config.http).toMatchObject({ host: '127.0.0.1', port: 3000, corsOrigins: [] });
    expect(config.dataDir).toMatch(/\.nexo$/);
    expect(config.db.dataDir).toMatch(/\.nexo\/data$/);
    expect(config.queue.workers).toBe(true);
    expect(config.demo).toBe(true);
  });

  it('reads the watchdog settings: seed 002 defaults, ENABLE_AUTO_RECOVERY=false, bad thresholds refused', () => {
    expect(loadConfig({}).watchdog).toEqual({
      intervalMs: 2000,
      autoRecovery: true,
      thresholds: { queueAgeSeconds: 300, approvalDays: 7, agentSilentHours: 24 },
    });
    const off = loadConfig({ ENABLE_AUTO_RECOVERY: 'false', NEXO_WATCHDOG_INTERVAL_SECONDS: '1', NEXO_STUCK_APPROVAL_DAYS: '3' });
    expect(off.watchdog).toMatchObject({ intervalMs: 1000, autoRecovery: false, thresholds: { approvalDays: 3 } });
    expect(configError({ NEXO_WATCHDOG_INTERVAL_SECONDS: '0' }).problems[0]).toMatch(/^NEXO_WATCHDOG_INTERVAL_SECONDS: expected a number between 0.5 and 60/);
    expect(configError({ ENABLE_AUTO_RECOVERY: 'maybe' }).problems[0]).toMatch(/^ENABLE_AUTO_RECOVERY:/);
  });

  it('keeps feed URLs off private addresses unless NEXO_ALLOW_PRIVATE_FEEDS or listed origins say otherwise', () => {
    expect(loadConfig({}).feeds).toEqual({ allowPrivate: false, allowOrigins: [] });
    const listed = loadConfig({ NEXO_ALLOW_PRIVATE_FEEDS: '1', NEXO_FEED_ALLOWED_ORIGINS: 'http://10.0.0.5:8080, https://feeds.intranet' });
    expect(listed.feeds).toEqual({ allowPrivate: true, allowOrigins: ['http://10.0.0.5:8080', 'https://feeds.intranet'] });
    expect(configError({ NEXO_FEED_ALLOWED_ORIGINS: 'http://10.0.0.5:8080/feeds' }).problems[0]).toMatch(
      /^NEXO_FEED_ALLOWED_ORIGINS: expected comma-separated origins/,
    );
  });

  it('switches to server mode with DATABASE_URL and turns the demo off', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/nexo', NEXO_DB_POOL_SIZE: '25' });
    expect(config.mode).toBe('server');
    expect(config.db).toMatchObject({ url: 'postgres://u@db:5432/nexo', poolSize: 25 });
    expect(config.demo).toBe(false);
  });

  it('reads PORT, HOST, NEXO_DATA_DIR, CORS origins and flags', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      NEXO_DATA_DIR: '/srv/nexo',
      NEXO_CORS_ORIGINS: 'https://a.example, https://b.example',
      ENABLE_QUEUE_PROCESSING: '0',
    });
    expect(config.http.port).toBe(8080);
    expect(config.http.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('/srv/nexo');
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.queue.workers).toBe(false);
  });

  it('reports one line per bad variable, naming it and what is expected', () => {
    const error = configError({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', NEXO_QUEUE_POLL_SECONDS: '0.1' });
    expect(error.problems).toHaveLength(4);
    expect(error.problems.find((p) => p.startsWith('PORT:'))).toMatch(/integer between 0 and 65535.*"eighty"/);
    expect(error.problems.find((p) => p.startsWith('DATABASE_URL:'))).toMatch(/postgres:\/\//);
    expect(error.problems.find((p) => p.startsWith('LOG_LEVEL:'))).toMatch(/info/);
    expect(error.problems.find((p) => p.startsWith('NEXO_QUEUE_POLL_SECONDS:'))).toMatch(/between 0.5 and 60/);
  });

  it('refuses production without NEXO_SECRET_KEY and accepts a valid one', () => {
    expect(configError({ NODE_ENV: 'production' }).problems[0]).toMatch(/^NEXO_SECRET_KEY: required when NODE_ENV=production/);
    const key = 'ab'.repeat(32);
    const config = loadConfig({ NODE_ENV: 'production', NEXO_SECRET_KEY: key });
    expect(config.security.secretKey?.toString('hex')).toBe(key);
  });

  it('rejects a secret key that is not 32 bytes', () => {
    expect(configError({ NEXO_SECRET_KEY: 'short' }).problems[0]).toMatch(/^NEXO_SECRET_KEY: expected 32 random bytes/);
  });

  it('reads the Mercado Livre application (numeric App ID) and the hosts it is pointed at', () => {
    expect(loadConfig({}).channels.mercadolivre).toEqual({});
    const config = loadConfig({
      MERCADOLIVRE_CLIENT_ID: '4815162342',
      MERCADOLIVRE_CLIENT_SECRET: 'secret',
      MERCADOLIVRE_API_BASE_URL: 'http://127.0.0.1:4010/mercadolivre/demo-seller',
      MERCADOLIVRE_AUTH_BASE_URL: 'https://auth.mercadolibre.com.ar',
    });
    expect(config.channels.mercadolivre).toEqual({
      clientId: '4815162342',
      clientSecret: 'secret',
      apiBaseUrl: 'http://127.0.0.1:4010/mercadolivre/demo-seller',
      authBaseUrl: 'https://auth.mercadolibre.com.ar',
    });
    const error = configError({ MERCADOLIVRE_CLIENT_ID: 'my-app', MERCADOLIVRE_API_BASE_URL: 'not a url' });
    expect(error.problems.find((p) => p.startsWith('MERCADOLIVRE_CLIENT_ID:'))).toMatch(/numeric App ID/);
    expect(error.problems.find((p) => p.startsWith('MERCADOLIVRE_API_BASE_URL:'))).toMatch(/http\(s\) URL/);
  });

  it('reads LLM mode (NEXO_LLM_*): absent unless base URL and model are both set, defaults, prices and breaker', () => {
    expect(loadConfig({}).llm).toBeUndefined();
    expect(
      loadConfig({
        NEXO_LLM_BASE_URL: 'http://127.0.0.1:11434/v1',
        NEXO_LLM_MODEL: 'llama3.1',
      }).llm,
    ).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      model: 'llama3.1',
      timeoutMs: 30_000,
      prices: { inputPerMillion: 0, outputPerMillion: 0 },
      breaker: { failureThreshold: 5, resetTimeoutMs: 60_000 },
    });
    expect(
      loadConfig({
        NEXO_LLM_BASE_URL: 'https://api.openai.com/v1',
        NEXO_LLM_MODEL: 'gpt-4o-mini',
        NEXO_LLM_API_KEY: 'sk-abc',
        NEXO_LLM_TIMEOUT_MS: '10000',
        NEXO_LLM_PRICE_INPUT_PER_MTOK: '0.15',
        NEXO_LLM_PRICE_OUTPUT_PER_MTOK: '0.6',
        NEXO_LLM_BREAKER_FAILURES: '3',
        NEXO_LLM_BREAKER_RESET_SECONDS: '30',
      }).llm,
    ).toEqual({
      baseUrl: 'https://api.openai.com/v1',
      model: 'gpt-4o-mini',
      apiKey: 'sk-abc',
      timeoutMs: 10_000,
      prices: { inputPerMillion: 0.15, outputPerMillion: 0.6 },
      breaker: { failureThreshold: 3, resetTimeoutMs: 30_000 },
    });
    expect(configError({ NEXO_LLM_BASE_URL: 'http://127.0.0.1:11434/v1' }).problems[0]).toMatch(/^NEXO_LLM_MODEL: required/);
    expect(configError({ NEXO_LLM_MODEL: 'llama3.1' }).problems[0]).toMatch(/^NEXO_LLM_BASE_URL: required/);
    expect(configError({ NEXO_LLM_BASE_URL: 'not a url', NEXO_LLM_MODEL: 'm' }).problems[0]).toMatch(/^NEXO_LLM_BASE_URL:/);
    expect(configError({ NEXO_LLM_BASE_URL: 'http://x/v1', NEXO_LLM_MODEL: 'm', NEXO_LLM_TIMEOUT_MS: '5' }).problems[0]).toMatch(/^NEXO_LLM_TIMEOUT_MS:/);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).http.port).toBe(3000);
  });
});

import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { agentEnvTokenVariables } from './contracts/agents.ts';

/**
 * The only reader of process.env (and of an optional `.env` file in the working directory; real
 * environment variables win). Every variable is documented in README.md "Configuration".
 */

const bool = (fallback: boolean) =>
  z
    .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'], { error: 'expected one of 1, 0, true, false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['1', 'true', 'yes', 'on'].includes(v)));

const int = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `expected an integer between ${min} and ${max}` })
    .int({ error: `expected an integer between ${min} and ${max}` })
    .min(min, { error: `expected an integer between ${min} and ${max}` })
    .max(max, { error: `expected an integer between ${min} and ${max}` })
    .default(fallback);

const num = (fallback: number, min: number, max: number) =>
  z.coerce
    .number({ error: `expected a number between ${min} and ${max}` })
    .min(min, { error: `expected a number between ${min} and ${max}` })
    .max(max, { error: `expected a number between ${min} and ${max}` })
    .default(fallback);

const secretKey = z
  .string()
  .refine((v) => decodeKey(v) !== null, {
    error: 'expected 32 random bytes as 64 hex characters or base64 (generate one with: openssl rand -hex 32)',
  })
  .optional();

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'expected development, production or test' }).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: int(3000, 0, 65535),
  NEXO_DATA_DIR: z.string().min(1).default('./.nexo'),
  NEXO_PUBLIC_URL: z.url({ error: 'expected an absolute URL such as https://nexo.example.com' }).optional(),
  NEXO_BODY_LIMIT_BYTES: int(1_048_576, 1024, 104_857_600),
  NEXO_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      v
        ? v
            .split(',')
            .map((o) => o.trim())
            .filter(Boolean)
        : [],
    ),
  NEXO_TRUST_PROXY: bool(false),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'expected a postgres:// or postgresql:// connection URL' })
    .optional(),
  NEXO_DB_POOL_SIZE: int(10, 1, 200),
  NEXO_DB_CONNECT_TIMEOUT_SECONDS: int(60, 0, 3600),
  ENABLE_QUEUE_PROCESSING: bool(true),
  NEXO_QUEUE_POLL_SECONDS: num(0.5, 0.5, 60),
  NEXO_QUEUE_SUPERVISE_SECONDS: int(10, 1, 600),
  NEXO_SHUTDOWN_GRACE_SECONDS: int(25, 0, 600),
  NEXO_JOB_RUNS_RETENTION_DAYS: int(14, 1, 3650),
  ENABLE_AUTO_RECOVERY: bool(true),
  NEXO_WATCHDOG_INTERVAL_SECONDS: num(2, 0.5, 60),
  NEXO_STUCK_QUEUE_AGE_SECONDS: int(300, 5, 7 * 86_400),
  NEXO_STUCK_APPROVAL_DAYS: num(7, 0.00001, 365),
  NEXO_STUCK_AGENT_SILENT_HOURS: num(24, 0.001, 24 * 365),
  ENABLE_CIRCUIT_BREAKER: bool(true),
  NEXO_BREAKER_FAILURE_THRESHOLD: int(5, 1, 1000),
  NEXO_BREAKER_RESET_SECONDS: num(60, 0.1, 86_400),
  NEXO_BREAKER_HALF_OPEN_SUCCESSES: int(2, 1, 100),
  NEXO_BREAKER_CALL_TIMEOUT_SECONDS: num(30, 0.1, 3600),
  NEXO_STORE_RATE_MAX_WAIT_SECONDS: num(2, 0, 60),
  NEXO_STORE_RATE_HEADROOM: num(0.08, 0, 0.5),
  NEXO_STORE_RATE_LEAD_MS: int(100, 0, 5000),
  NEXO_SSE_HEARTBEAT_SECONDS: int(15, 1, 300),
  NEXO_EVENTS_RETENTION_HOURS: int(72, 1, 24 * 90),
  NEXO_WEBHOOK_RETENTION_HOURS: int(72, 72, 24 * 90),
  NEXO_SECRET_KEY: secretKey,
  SHOPIFY_CLIENT_ID: z.string().min(1).max(200).optional(),
  SHOPIFY_CLIENT_SECRET: z.string().min(1).max(200).optional(),
  SHOPIFY_PREVIOUS_CLIENT_SECRET: z.string().min(1).max(200).optional(),
  SHOPIFY_API_BASE_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, { error: 'expected an http(s) URL template such as http://127.0.0.1:4010/shopify/{shop}' })
    .optional(),
  MERCADOLIVRE_CLIENT_ID: z
    .string()
    .regex(/^\d{1,20}$/, { error: 'expected the numeric App ID of the Mercado Livre application' })
    .optional(),
  MERCADOLIVRE_CLIENT_SECRET: z.string().min(1).max(200).optional(),
  MERCADOLIVRE_API_BASE_URL: z.url({ error: 'expected an http(s) URL such as http://127.0.0.1:4010/mercadolivre/demo-seller' }).optional(),
  MERCADOLIVRE_AUTH_BASE_URL: z.url({ error: 'expected an http(s) URL such as https://auth.mercadolivre.com.br' }).optional(),
  SHOPEE_PARTNER_ID: z
    .string()
    .regex(/^\d{1,15}$/, { error: 'expected the numeric Shopee partner id' })
    .optional(),
  SHOPEE_PARTNER_KEY: z.string().min(1).max(200).optional(),
  SHOPEE_API_BASE_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, { error: 'expected an http(s) URL such as https://partner.test-stable.shopeemobile.com' })
    .optional(),
  TIKTOKSHOP_APP_KEY: z.string().min(1).max(200).optional(),
  TIKTOKSHOP_APP_SECRET: z.string().min(1).max(200).optional(),
  TIKTOKSHOP_SERVICE_ID: z.string().min(1).max(200).optional(),
  TIKTOKSHOP_API_BASE_URL: z
    .string()
    .regex(/^https?:\/\/\S+$/, { error: 'expected an http(s) URL such as http://127.0.0.1:4010/tiktokshop/demo-tiktok' })
    .optional(),
  NEXO_DEMO: bool(true),
  NEXO_OWNER_EMAIL: z.email({ error: 'expected an e-mail address' }).default('owner@nexo.local'),
  NEXO_OWNER_PASSWORD: z.string().min(12, { error: 'expected at least 12 characters' }).max(256).optional(),
  NEXO_ORG_NAME: z.string().min(1).max(120).default('My company'),
  NEXO_DEFAULT_ORG: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, { error: 'expected an org slug (lowercase letters, digits, dashes)' })
    .optional(),
  NEXO_SESSION_IDLE_MINUTES: int(12 * 60, 5, 60 * 24 * 30),
  NEXO_SESSION_MAX_DAYS: int(7, 1, 90),
  NEXO_LOGIN_MAX_FAILURES: int(5, 1, 100),
  NEXO_LOGIN_LOCK_MINUTES: int(15, 1, 24 * 60),
  NEXO_RATE_LIMIT_PER_MINUTE: int(600, 1, 1_000_000),
  NEXO_RATE_LIMIT_ANONYMOUS_PER_MINUTE: int(120, 1, 1_000_000),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, { error: 'expected smtp://user:pass@host:port or smtps://…' })
    .optional(),
  NEXO_MAIL_FROM: z.string().min(3).default('Nexo <nexo@localhost>'),
  NEXO_ALLOW_PRIVATE_WEBHOOKS: bool(false),
  NEXO_ALLOW_PRIVATE_FEEDS: bool(false),
  NEXO_FEED_ALLOWED_ORIGINS: z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    )
    .refine((list) => list.every((o) => URL.canParse(o) && new URL(o).origin === o), {
      error: 'expected comma-separated origins such as http://127.0.0.1:4010 (scheme, host and port, no path)',
    }),
  NEXO_LLM_BASE_URL: z.url({ error: 'expected the http(s) base URL of an OpenAI-compatible API such as https://api.openai.com/v1' }).optional(),
  NEXO_LLM_MODEL: z.string().min(1).max(200).optional(),
  NEXO_LLM_API_KEY: z.string().min(1).max(1000).optional(),
  NEXO_LLM_TIMEOUT_MS: int(30_000, 100, 600_000),
  NEXO_LLM_PRICE_INPUT_PER_MTOK: num(0, 0, 100_000),
  NEXO_LLM_PRICE_OUTPUT_PER_MTOK: num(0, 0, 100_000),
  NEXO_LLM_BREAKER_FAILURES: int(5, 1, 1000),
  NEXO_LLM_BREAKER_RESET_SECONDS: num(60, 0.1, 86_400),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { error: 'expected fatal, error, warn, info, debug, trace or silent' })
    .default('info'),
  NEXO_LOG_PRETTY: bool(false),
});

export type Env = Record<string, string | undefined>;

export interface Config {
  env: 'development' | 'production' | 'test';
  production: boolean;
  mode: 'embedded' | 'server';
  http: { host: string; port: number; publicUrl?: string; bodyLimit: number; corsOrigins: string[]; trustProxy: boolean; sseHeartbeatMs: number };
  db: { url?: string; dataDir: string; poolSize: number; connectTimeoutMs: number };
  queue: { workers: boolean; pollingSeconds: number; superviseSeconds: number; shutdownGraceMs: number; runRetentionDays: number };
  /** Circuit breakers and token buckets around channel calls (modules/stores). */
  resilience: {
    breakerEnabled: boolean;
    failureThreshold: number;
    resetTimeoutMs: number;
    halfOpenSuccesses: number;
    callTimeoutMs: number;
    rateMaxWaitMs: number;
    rateHeadroom: number;
    rateLeadMs: number;
  };
  events: { retentionHours: number };
  /** Inbound channel webhooks: how long received events are kept (deduplication window, at least 72 h). */
  webhooks: { retentionHours: number };
  /** The stuck-pattern watchdog (seed 002 part 2.3.5). */
  watchdog: { intervalMs: number; autoRecovery: boolean; thresholds: { queueAgeSeconds: number; approvalDays: number; agentSilentHours: number } };
  security: { secretKey?: Buffer };
  /**
   * Channel apps Nexo installs as (OAuth client id/secret). Shopify signs webhooks with the app secret; the previous
   * secret stays accepted while it is rotated. `apiBaseUrl` (with `{shop}`) points the connector at the emulator.
   */
  channels: {
    shopify: { clientId?: string; clientSecret?: string; previousClientSecret?: string; apiBaseUrl?: string };
    /** One application per deployment: its notifications callback is `<NEXO_PUBLIC_URL>/api/webhooks/mercadolivre`. */
    mercadolivre: { clientId?: string; clientSecret?: string; apiBaseUrl?: string; authBaseUrl?: string };
    /** Shopee's partner app: partner id (client id) and partner key (client secret); `apiBaseUrl` may hold `{shop}` (emulator). */
    shopee?: { clientId?: string; clientSecret?: string; apiBaseUrl?: string };
    /** TikTok Shop app (app key / secret, service id); `connectorConfig` points a store at the emulator (API, auth and service hosts). */
    tiktokshop?: { clientId?: string; clientSecret?: string; connectorConfig: Record<string, string> };
  };
  /**
   * LLM mode (optional): an OpenAI-compatible endpoint for agents and plans. Absent when NEXO_LLM_BASE_URL and
   * NEXO_LLM_MODEL are not both set (then rule packs only). `apiKey` is a secret: never logged or shown.
   */
  llm?: LlmConfig;
  log: { level: string; pretty: boolean };
  demo: boolean;
  dataDir: string;
  bootstrap: { ownerEmail: string; ownerPassword?: string; orgName: string };
  auth: {
    defaultOrgSlug?: string;
    sessionIdleMs: number;
    sessionMaxMs: number;
    loginMaxFailures: number;
    loginLockMs: number;
    rateLimitPerMinute: number;
    anonymousRateLimitPerMinute: number;
    /** Seed 001 compatibility: MARKETPLACE_<AGENT>_TOKEN values, bound to the default org. */
    agentEnvTokens: Array<{ variable: string; agentId: string; token: string }>;
  };
  mail: { smtpUrl?: string; from: string };
  /** Outbound notifications (Slack, webhooks): may they reach loopback/private addresses? Off by default (SSRF). */
  notifications: { allowPrivateTargets: boolean };
  /**
   * Watched feed URLs (Kaway): may they reach private addresses? Off by default (SSRF); `allowOrigins` lets chosen
   * origins through (an intranet feed host; the demo adds its in-process emulator).
   */
  feeds: { allowPrivate: boolean; allowOrigins: string[] };
}

export interface LlmConfig {
  baseUrl: string;
  model: string;
  apiKey?: string;
  /** Per HTTP call to the model. */
  timeoutMs: number;
  /** USD per million tokens, for the cost estimate (0 = not priced). */
  prices: { inputPerMillion: number; outputPerMillion: number };
  /** The breaker opens after `failureThreshold` consecutive failed calls and lets one call through after `resetTimeoutMs`. */
  breaker: { failureThreshold: number; resetTimeoutMs: number };
}

export class ConfigError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

function decodeKey(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  const b64 = Buffer.from(v, 'base64');
  return b64.length === 32 && /^[A-Za-z0-9+/_-]+={0,2}$/.test(v) ? b64 : null;
}

/** Reads `.env` from `cwd` (if present) under the real environment. */
export function readEnv(env: Env = process.env, cwd = process.cwd()): Env {
  const file = join(cwd, '.env');
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

/** Parses and validates configuration; throws ConfigError with one line per bad variable. */
export function loadConfig(env: Env = readEnv()): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${String(issue.path[0] ?? 'environment')}: ${issue.message} (got ${JSON.stringify(cleaned[String(issue.path[0])] ?? null)})`,
    );
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.NEXO_SECRET_KEY) {
    throw new ConfigError(['NEXO_SECRET_KEY: required when NODE_ENV=production (32 random bytes as hex: openssl rand -hex 32)']);
  }
  const agentEnvTokens = Object.entries(agentEnvTokenVariables)
    .map(([variable, agentId]) => ({ variable, agentId, token: cleaned[variable] ?? '' }))
    .filter((t) => t.token !== '');
  const weak = agentEnvTokens.filter((t) => t.token.length < 24);
  if (production && weak.length > 0) {
    throw new ConfigError(weak.map((t) => `${t.variable}: must be at least 24 characters in production (generate one with: openssl rand -base64 32)`));
  }
  if (Boolean(e.NEXO_LLM_BASE_URL) !== Boolean(e.NEXO_LLM_MODEL)) {
    throw new ConfigError([
      e.NEXO_LLM_BASE_URL
        ? 'NEXO_LLM_MODEL: required with NEXO_LLM_BASE_URL (the model name the endpoint serves, e.g. gpt-4o-mini or llama3.1)'
        : 'NEXO_LLM_BASE_URL: required with NEXO_LLM_MODEL (the OpenAI-compatible base URL, e.g. http://127.0.0.1:11434/v1)',
    ]);
  }
  const dataDir = resolve(e.NEXO_DATA_DIR);
  return {
    env: e.NODE_ENV,
    production,
    mode: e.DATABASE_URL ? 'server' : 'embedded',
    http: {
      host: e.HOST,
      port: e.PORT,
      ...(e.NEXO_PUBLIC_URL ? { publicUrl: e.NEXO_PUBLIC_URL } : {}),
      bodyLimit: e.NEXO_BODY_LIMIT_BYTES,
      corsOrigins: e.NEXO_CORS_ORIGINS,
      trustProxy: e.NEXO_TRUST_PROXY,
      sseHeartbeatMs: e.NEXO_SSE_HEARTBEAT_SECONDS * 1000,
    },
    db: {
      ...(e.DATABASE_URL ? { url: e.DATABASE_URL } : {}),
      dataDir: join(dataDir, 'data'),
      poolSize: e.NEXO_DB_POOL_SIZE,
      connectTimeoutMs: e.NEXO_DB_CONNECT_TIMEOUT_SECONDS * 1000,
    },
    queue: {
      workers: e.ENABLE_QUEUE_PROCESSING,
      pollingSeconds: e.NEXO_QUEUE_POLL_SECONDS,
      superviseSeconds: e.NEXO_QUEUE_SUPERVISE_SECONDS,
      shutdownGraceMs: e.NEXO_SHUTDOWN_GRACE_SECONDS * 1000,
      runRetentionDays: e.NEXO_JOB_RUNS_RETENTION_DAYS,
    },
    resilience: {
      breakerEnabled: e.ENABLE_CIRCUIT_BREAKER,
      failureThreshold: e.NEXO_BREAKER_FAILURE_THRESHOLD,
      resetTimeoutMs: Math.round(e.NEXO_BREAKER_RESET_SECONDS * 1000),
      halfOpenSuccesses: e.NEXO_BREAKER_HALF_OPEN_SUCCESSES,
      callTimeoutMs: Math.round(e.NEXO_BREAKER_CALL_TIMEOUT_SECONDS * 1000),
      rateMaxWaitMs: Math.round(e.NEXO_STORE_RATE_MAX_WAIT_SECONDS * 1000),
      rateHeadroom: e.NEXO_STORE_RATE_HEADROOM,
      rateLeadMs: e.NEXO_STORE_RATE_LEAD_MS,
    },
    events: { retentionHours: e.NEXO_EVENTS_RETENTION_HOURS },
    webhooks: { retentionHours: e.NEXO_WEBHOOK_RETENTION_HOURS },
    watchdog: {
      intervalMs: e.NEXO_WATCHDOG_INTERVAL_SECONDS * 1000,
      autoRecovery: e.ENABLE_AUTO_RECOVERY,
      thresholds: {
        queueAgeSeconds: e.NEXO_STUCK_QUEUE_AGE_SECONDS,
        approvalDays: e.NEXO_STUCK_APPROVAL_DAYS,
        agentSilentHours: e.NEXO_STUCK_AGENT_SILENT_HOURS,
      },
    },
    channels: {
      shopify: {
        ...(e.SHOPIFY_CLIENT_ID ? { clientId: e.SHOPIFY_CLIENT_ID } : {}),
        ...(e.SHOPIFY_CLIENT_SECRET ? { clientSecret: e.SHOPIFY_CLIENT_SECRET } : {}),
        ...(e.SHOPIFY_PREVIOUS_CLIENT_SECRET ? { previousClientSecret: e.SHOPIFY_PREVIOUS_CLIENT_SECRET } : {}),
        ...(e.SHOPIFY_API_BASE_URL ? { apiBaseUrl: e.SHOPIFY_API_BASE_URL } : {}),
      },
      mercadolivre: {
        ...(e.MERCADOLIVRE_CLIENT_ID ? { clientId: e.MERCADOLIVRE_CLIENT_ID } : {}),
        ...(e.MERCADOLIVRE_CLIENT_SECRET ? { clientSecret: e.MERCADOLIVRE_CLIENT_SECRET } : {}),
        ...(e.MERCADOLIVRE_API_BASE_URL ? { apiBaseUrl: e.MERCADOLIVRE_API_BASE_URL } : {}),
        ...(e.MERCADOLIVRE_AUTH_BASE_URL ? { authBaseUrl: e.MERCADOLIVRE_AUTH_BASE_URL } : {}),
      },
      shopee: {
        ...(e.SHOPEE_PARTNER_ID ? { clientId: e.SHOPEE_PARTNER_ID } : {}),
        ...(e.SHOPEE_PARTNER_KEY ? { clientSecret: e.SHOPEE_PARTNER_KEY } : {}),
        ...(e.SHOPEE_API_BASE_URL ? { apiBaseUrl: e.SHOPEE_API_BASE_URL } : {}),
      },
      tiktokshop: {
        ...(e.TIKTOKSHOP_APP_KEY ? { clientId: e.TIKTOKSHOP_APP_KEY } : {}),
        ...(e.TIKTOKSHOP_APP_SECRET ? { clientSecret: e.TIKTOKSHOP_APP_SECRET } : {}),
        connectorConfig: {
          ...(e.TIKTOKSHOP_SERVICE_ID ? { serviceId: e.TIKTOKSHOP_SERVICE_ID } : {}),
          ...(e.TIKTOKSHOP_API_BASE_URL
            ? { apiBaseUrl: e.TIKTOKSHOP_API_BASE_URL, authBaseUrl: e.TIKTOKSHOP_API_BASE_URL, servicesBaseUrl: e.TIKTOKSHOP_API_BASE_URL }
            : {}),
        },
      },
    },
    security: e.NEXO_SECRET_KEY ? { secretKey: decodeKey(e.NEXO_SECRET_KEY) as Buffer } : {},
    ...(e.NEXO_LLM_BASE_URL && e.NEXO_LLM_MODEL
      ? {
          llm: {
            baseUrl: e.NEXO_LLM_BASE_URL,
            model: e.NEXO_LLM_MODEL,
            ...(e.NEXO_LLM_API_KEY ? { apiKey: e.NEXO_LLM_API_KEY } : {}),
            timeoutMs: e.NEXO_LLM_TIMEOUT_MS,
            prices: { inputPerMillion: e.NEXO_LLM_PRICE_INPUT_PER_MTOK, outputPerMillion: e.NEXO_LLM_PRICE_OUTPUT_PER_MTOK },
            breaker: { failureThreshold: e.NEXO_LLM_BREAKER_FAILURES, resetTimeoutMs: Math.round(e.NEXO_LLM_BREAKER_RESET_SECONDS * 1000) },
          },
        }
      : {}),
    log: { level: e.LOG_LEVEL, pretty: e.NEXO_LOG_PRETTY },
    demo: e.NEXO_DEMO && !e.DATABASE_URL,
    dataDir,
    bootstrap: {
      ownerEmail: e.NEXO_OWNER_EMAIL.toLowerCase(),
      ...(e.NEXO_OWNER_PASSWORD ? { ownerPassword: e.NEXO_OWNER_PASSWORD } : {}),
      orgName: e.NEXO_ORG_NAME,
    },
    auth: {
      ...(e.NEXO_DEFAULT_ORG ? { defaultOrgSlug: e.NEXO_DEFAULT_ORG } : {}),
      sessionIdleMs: e.NEXO_SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: e.NEXO_SESSION_MAX_DAYS * 86_400_000,
      loginMaxFailures: e.NEXO_LOGIN_MAX_FAILURES,
      loginLockMs: e.NEXO_LOGIN_LOCK_MINUTES * 60_000,
      rateLimitPerMinute: e.NEXO_RATE_LIMIT_PER_MINUTE,
      anonymousRateLimitPerMinute: e.NEXO_RATE_LIMIT_ANONYMOUS_PER_MINUTE,
      agentEnvTokens,
    },
    mail: { ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}), from: e.NEXO_MAIL_FROM },
    notifications: { allowPrivateTargets: e.NEXO_ALLOW_PRIVATE_WEBHOOKS },
    feeds: { allowPrivate: e.NEXO_ALLOW_PRIVATE_FEEDS, allowOrigins: e.NEXO_FEED_ALLOWED_ORIGINS },
  };
}

/**
 * The AES key for secrets at rest. Production requires NEXO_SECRET_KEY (checked by loadConfig);
 * elsewhere a random key is generated once into the data dir (mode 0600) and reused.
 */
export function resolveSecretKey(config: Config): Buffer {
  if (config.security.secretKey) return config.security.secretKey;
  const file = join(config.dataDir, 'secret.key');
  if (existsSync(file)) {
    const key = decodeKey(readFileSync(file, 'utf8'));
    if (!key) throw new ConfigError([`${file}: not a valid key (64 hex characters); restore it from backup or set NEXO_SECRET_KEY`]);
    return key;
  }
  mkdirSync(config.dataDir, { recursive: true });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

import type { Config } from '../config.ts';
import type { JobCatalog } from '../contracts/jobs.ts';
import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { LlmClient } from '../lib/llm/llm.types.ts';
import type { Logger } from '../lib/logger.ts';
import type { Mailer } from '../lib/mailer.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { HealthSources } from '../modules/operations/index.ts';
import type { StoreLimits } from '../modules/stores/index.ts';
import type { AuthDeps, EnvAgentToken } from '../modules/tenancy/index.ts';
import type { JobQueue } from '../queue/job-queue.ts';

/** Everything the HTTP layer needs, built once by main/ (the composition root). */
export interface AppDeps {
  config: Config;
  database: Database;
  queue: JobQueue<JobCatalog>;
  bus: EventBus;
  metrics: Metrics;
  log: Logger;
  version: string;
  auth: AuthDeps;
  envTokens: EnvAgentToken[];
  mailer: Mailer;
  /** Breakers, rate limiters and open alerts for GET /api/health (wired by main/ when those features exist; empty otherwise). */
  healthSources?: HealthSources;
  /** Breakers and token buckets around channel calls (the process's own; built from config when absent). */
  storeLimits?: StoreLimits;
  /** LLM mode (NEXO_LLM_*): the process's model client, shared with the jobs; null/absent = rule packs only. */
  llm?: LlmClient | null;
  /** Where the built dashboard lives; absent in API-only setups. */
  webDir?: string;
}

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per Nexo instance (tests run several in one process). */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobsProcessed: Counter<'name' | 'outcome'>;
  jobsEnqueued: Counter<'name'>;
  jobDuration: Histogram<'name' | 'outcome'>;
  tasksCreated: Counter<'marketplace' | 'agent'>;
  tasksDecided: Counter<'marketplace' | 'agent' | 'decision'>;
  tasksCompleted: Counter<'marketplace'>;
  taskApprovalSeconds: Histogram<'marketplace'>;
  taskExecutionSeconds: Histogram<'marketplace'>;
  taskTimeAccuracy: Histogram<'marketplace'>;
  /** Set by main/: reads waiting runs per job type (depth, oldest due age) at scrape time. */
  jobQueue: { read?: () => Promise<Array<{ type: string; depth: number; oldestAgeSeconds: number }>> };
  rateLimiterWaits: Counter<'platform' | 'lane' | 'outcome'>;
  rateLimiterWaitSeconds: Histogram<'platform' | 'lane'>;
  breakerTransitions: Counter<'store_id' | 'operation' | 'to'>;
  breakerRejections: Counter<'store_id' | 'operation'>;
  /** Set by main/: reads every breaker's shared state at scrape time (the database is the truth across processes). */
  breakerStates: { read?: () => Promise<Array<{ storeId: string; platform: string; operation: string; state: string }>> };
  /** Set by main/: reads every store bucket's tokens at scrape time. */
  bucketTokens: { read?: () => Promise<Array<{ storeId: string; platform: string; bucket: string; tokens: number; capacity: number }>> };
  /** Set by main/: reads task counts by status and marketplace at scrape time. */
  taskCounts: { read?: () => Promise<Array<{ status: string; marketplace: string; count: number }>> };
  /** Set by main/: reads open stuck patterns by type and severity at scrape time. */
  stuckPatterns: { read?: () => Promise<Array<{ type: string; severity: string; count: number }>> };
  recoveries: Counter<'outcome'>;
  /** LLM mode: completeJson results by model and outcome (ok | invalid | timeout | error | breaker_open). */
  llmRequests: Counter<'model' | 'outcome'>;
  /** LLM mode: tokens reported by the provider, by model and kind (prompt | completion). */
  llmTokens: Counter<'model' | 'kind'>;
  /** LLM mode: estimated cost in USD from the configured prices. */
  llmCostUsd: Counter<'model'>;
  /** Set by main/: reads active alerts by kind and status at scrape time. */
  openAlerts: { read?: () => Promise<Array<{ kind: string; status: string; count: number }>> };
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nexo_' });
  const taskCounts: Metrics['taskCounts'] = {};
  new Gauge({
    name: 'nexo_tasks',
    help: 'Marketplace tasks by status and marketplace (all orgs)',
    labelNames: ['status', 'marketplace'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await taskCounts.read?.()) ?? []) this.set({ status: row.status, marketplace: row.marketplace }, row.count);
    },
  });
  const jobQueue: Metrics['jobQueue'] = {};
  let jobQueueRows: Promise<Array<{ type: string; depth: number; oldestAgeSeconds: number }>> | undefined;
  // Both gauges read one query per scrape.
  const readJobQueue = () => {
    jobQueueRows ??= (jobQueue.read?.() ?? Promise.resolve([])).finally(() => setTimeout(() => (jobQueueRows = undefined), 100));
    return jobQueueRows;
  };
  new Gauge({
    name: 'nexo_job_queue_depth',
    help: 'Job runs waiting (queued or retrying), by job type (all orgs)',
    labelNames: ['name'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await readJobQueue()) this.set({ name: row.type }, row.depth);
    },
  });
  new Gauge({
    name: 'nexo_job_queue_oldest_age_seconds',
    help: 'Age of the oldest due job run still waiting, by job type (0 when none)',
    labelNames: ['name'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await readJobQueue()) this.set({ name: row.type }, row.oldestAgeSeconds);
    },
  });
  const stuckPatterns: Metrics['stuckPatterns'] = {};
  new Gauge({
    name: 'nexo_stuck_patterns',
    help: 'Open stuck patterns found by the watchdog, by type and severity (all orgs)',
    labelNames: ['type', 'severity'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await stuckPatterns.read?.()) ?? []) this.set({ type: row.type, severity: row.severity }, row.count);
    },
  });
  const openAlerts: Metrics['openAlerts'] = {};
  new Gauge({
    name: 'nexo_alerts_open',
    help: 'Active alerts (status open or acknowledged) by rule kind (all orgs)',
    labelNames: ['kind', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await openAlerts.read?.()) ?? []) this.set({ kind: row.kind, status: row.status }, row.count);
    },
  });
  const breakerStates: Metrics['breakerStates'] = {};
  const bucketTokens: Metrics['bucketTokens'] = {};
  new Gauge({
    name: 'nexo_circuit_breaker_state',
    help: 'Circuit breaker per store and operation: 1 for its current state (closed | open | half_open), 0 for the others',
    labelNames: ['store_id', 'platform', 'operation', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of (await breakerStates.read?.()) ?? []) {
        for (const state of ['closed', 'open', 'half_open']) {
          this.set({ store_id: row.storeId, platform: row.platform, operation: row.operation, state }, row.state === state ? 1 : 0);
        }
      }
    },
  });
  const tokenGauge = (name: string, help: string, pick: (row: { tokens: number; capacity: number }) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['store_id', 'platform', 'bucket'],
      registers: [registry],
      async collect() {
        this.reset();
        for (const row of (await bucketTokens.read?.()) ?? []) this.set({ store_id: row.storeId, platform: row.platform, bucket: row.bucket }, pick(row));
      },
    });
  tokenGauge('nexo_rate_limiter_tokens', 'Tokens in each store bucket now (negative: booked by waiting inventory calls)', (r) => r.tokens);
  tokenGauge('nexo_rate_limiter_capacity', 'Capacity of each store bucket (published or learned from the channel)', (r) => r.capacity);
  const hours = [0.25, 0.5, 1, 2, 4, 8, 24, 72, 168, 720].map((h) => h * 3600);
  return {
    registry,
    taskCounts,
    jobQueue,
    stuckPatterns,
    recoveries: new Counter({
      name: 'nexo_recoveries_total',
      help: 'Automatic recoveries applied by the watchdog in this process, by outcome (succeeded | failed)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    openAlerts,
    breakerStates,
    bucketTokens,
    llmRequests: new Counter({
      name: 'nexo_llm_requests_total',
      help: 'LLM completeJson results by model and outcome: ok | invalid (still invalid after one retry) | timeout | error | breaker_open (not sent)',
      labelNames: ['model', 'outcome'],
      registers: [registry],
    }),
    llmTokens: new Counter({
      name: 'nexo_llm_tokens_total',
      help: 'Tokens reported by the LLM provider, by model and kind (prompt | completion)',
      labelNames: ['model', 'kind'],
      registers: [registry],
    }),
    llmCostUsd: new Counter({
      name: 'nexo_llm_cost_usd_total',
      help: 'Estimated LLM cost in USD from NEXO_LLM_PRICE_INPUT_PER_MTOK / NEXO_LLM_PRICE_OUTPUT_PER_MTOK (0 when unpriced)',
      labelNames: ['model'],
      registers: [registry],
    }),
    rateLimiterWaits: new Counter({
      name: 'nexo_rate_limiter_waits_total',
      help: 'Token requests by outcome: immediate | waited (in process) | missed_slot (woke too late, queued again) | postponed (job re-scheduled) | throttled (the channel answered 429)',
      labelNames: ['platform', 'lane', 'outcome'],
      registers: [registry],
    }),
    rateLimiterWaitSeconds: new Histogram({
      name: 'nexo_rate_limiter_wait_seconds',
      help: 'Time a call waited in process for a token',
      labelNames: ['platform', 'lane'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
    breakerTransitions: new Counter({
      name: 'nexo_circuit_breaker_transitions_total',
      help: 'Breaker state changes made by this process, by the state entered',
      labelNames: ['store_id', 'operation', 'to'],
      registers: [registry],
    }),
    breakerRejections: new Counter({
      name: 'nexo_circuit_breaker_rejections_total',
      help: 'Calls not made because the breaker was open (the job was postponed)',
      labelNames: ['store_id', 'operation'],
      registers: [registry],
    }),
    tasksCreated: new Counter({
      name: 'nexo_tasks_created_total',
      help: 'Tasks created, by marketplace and creating agent',
      labelNames: ['marketplace', 'agent'],
      registers: [registry],
    }),
    tasksDecided: new Counter({
      name: 'nexo_tasks_decided_total',
      help: 'Approval decisions, by marketplace, creating agent and decision (approved | rejected): approval rate = approved / all',
      labelNames: ['marketplace', 'agent', 'decision'],
      registers: [registry],
    }),
    tasksCompleted: new Counter({
      name: 'nexo_tasks_completed_total',
      help: 'Tasks completed, by marketplace',
      labelNames: ['marketplace'],
      registers: [registry],
    }),
    taskApprovalSeconds: new Histogram({
      name: 'nexo_task_approval_seconds',
      help: 'Time from submission to the approval decision',
      labelNames: ['marketplace'],
      buckets: hours,
      registers: [registry],
    }),
    taskExecutionSeconds: new Histogram({
      name: 'nexo_task_execution_seconds',
      help: 'Time from assignment (start) to completion',
      labelNames: ['marketplace'],
      buckets: hours,
      registers: [registry],
    }),
    taskTimeAccuracy: new Histogram({
      name: 'nexo_task_time_accuracy_percent',
      help: 'Estimate accuracy of completed tasks: 100 * min(est, actual) / max(est, actual)',
      labelNames: ['marketplace'],
      buckets: [10, 25, 50, 60, 70, 80, 90, 95, 100],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'nexo_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: 'nexo_jobs_processed_total',
      help: 'Job attempts finished, by job type and outcome: completed | retried (failed, will retry) | dead (retries exhausted) | failed (for good, no retry) | postponed',
      labelNames: ['name', 'outcome'],
      registers: [registry],
    }),
    jobsEnqueued: new Counter({
      name: 'nexo_jobs_enqueued_total',
      help: 'Jobs enqueued, by job type',
      labelNames: ['name'],
      registers: [registry],
    }),
    jobDuration: new Histogram({
      name: 'nexo_job_duration_seconds',
      help: 'Job attempt duration by job type and outcome',
      labelNames: ['name', 'outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers: [registry],
    }),
  };
}

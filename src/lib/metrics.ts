import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per Nexo instance (tests run several in one process). */
export interface Metrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  jobsProcessed: Counter<'name' | 'outcome'>;
  jobsEnqueued: Counter<'name'>;
  jobDuration: Histogram<'name' | 'outcome'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'nexo_' });
  return {
    registry,
    httpDuration: new Histogram({
      name: 'nexo_http_request_duration_seconds',
      help: 'HTTP request duration by route template and status code',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    jobsProcessed: new Counter({
      name: 'nexo_jobs_processed_total',
      help: 'Job attempts finished, by job type and outcome (completed | failed)',
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

/**
 * What travels in a pg-boss job's data: the validated payload plus who the run belongs to. Defaults are left out (every
 * job row carries it): no `runId` means the run id is the pg-boss job's own id (a run's first job); `runId: null` marks a
 * cron job (pg-boss sends those itself; the run is created at start); no org or store means null; no attemptOffset 0.
 */
export interface JobEnvelope {
  nexo: 1;
  runId: string | null;
  orgId: string | null;
  storeId: string | null;
  /** Attempts already spent by earlier pg-boss jobs of the same run (replays, postponements). */
  attemptOffset: number;
  /**
   * The retry limit and priority the pg-boss job was sent with: workers fetch jobs without pg-boss's metadata columns
   * (about 25 more columns per job, five of them timestamps to parse). Absent in cron jobs: the type's policy then.
   */
  retryLimit?: number;
  priority?: number;
  payload: unknown;
}

export interface EnvelopeMeta {
  /** undefined: the run id is the id of the pg-boss job that carries it; null: a cron job. */
  runId?: string | null;
  orgId: string | null;
  storeId: string | null;
  attemptOffset: number;
  retryLimit?: number;
  priority?: number;
}

/** The job data of an envelope, defaults left out. */
export function toEnvelope(payload: unknown, meta: EnvelopeMeta): Record<string, unknown> {
  const data: Record<string, unknown> = { nexo: 1 };
  if (meta.runId !== undefined) data.runId = meta.runId;
  if (meta.orgId) data.orgId = meta.orgId;
  if (meta.storeId) data.storeId = meta.storeId;
  if (meta.attemptOffset) data.attemptOffset = meta.attemptOffset;
  if (meta.retryLimit !== undefined) data.retryLimit = meta.retryLimit;
  if (meta.priority) data.priority = meta.priority;
  data.payload = payload;
  return data;
}

const numberOrUndefined = (value: unknown) => (typeof value === 'number' ? value : undefined);

/** Reads the envelope of pg-boss job `jobId`; a bare payload (a job sent around Nexo's queue layer) is treated as a system job. */
export function unwrapEnvelope(data: unknown, jobId: string): JobEnvelope {
  const d = data as Partial<JobEnvelope> | null;
  if (d && d.nexo === 1 && 'payload' in d) {
    const envelope: JobEnvelope = {
      nexo: 1,
      runId: d.runId === undefined ? jobId : d.runId,
      orgId: d.orgId ?? null,
      storeId: d.storeId ?? null,
      attemptOffset: d.attemptOffset ?? 0,
      payload: d.payload,
    };
    const retryLimit = numberOrUndefined(d.retryLimit);
    const priority = numberOrUndefined(d.priority);
    if (retryLimit !== undefined) envelope.retryLimit = retryLimit;
    if (priority !== undefined) envelope.priority = priority;
    return envelope;
  }
  return { nexo: 1, runId: null, orgId: null, storeId: null, attemptOffset: 0, payload: data ?? {} };
}

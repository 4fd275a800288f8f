/**
 * What travels in a pg-boss job's data: the validated payload plus who the run belongs to.
 * `runId` is null only in cron schedules (pg-boss sends those itself; the run is created at start).
 */
export interface JobEnvelope {
  nexo: 1;
  runId: string | null;
  orgId: string | null;
  storeId: string | null;
  /** Attempts already spent by earlier pg-boss jobs of the same run (replays, postponements). */
  attemptOffset: number;
  payload: unknown;
}

export const toEnvelope = (payload: unknown, meta: Omit<JobEnvelope, 'nexo' | 'payload'>): JobEnvelope => ({ nexo: 1, ...meta, payload });

/** Reads an envelope; a bare payload (a job sent around Nexo's queue layer) is treated as a system job. */
export function unwrapEnvelope(data: unknown): JobEnvelope {
  const d = data as Partial<JobEnvelope> | null;
  if (d && d.nexo === 1 && 'payload' in d) {
    return { nexo: 1, runId: d.runId ?? null, orgId: d.orgId ?? null, storeId: d.storeId ?? null, attemptOffset: d.attemptOffset ?? 0, payload: d.payload };
  }
  return { nexo: 1, runId: null, orgId: null, storeId: null, attemptOffset: 0, payload: data ?? {} };
}

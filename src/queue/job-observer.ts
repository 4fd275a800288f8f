import type { DbOrTx } from '../db/client.ts';

export type JobLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Which run an attempt belongs to. */
export interface RunRef {
  runId: string;
  /** The pg-boss job carrying the run now. */
  bossJobId: string;
  name: string;
  orgId: string | null;
  storeId: string | null;
  /** 1-based, postponements not counted. */
  attempt: number;
}

export interface EnqueuedRun {
  runId: string;
  bossJobId: string;
  name: string;
  orgId: string | null;
  storeId: string | null;
  scheduledAt: Date;
  priority: number;
  maxAttempts: number;
  payload: unknown;
}

/**
 * How the queue reports what happens to jobs, without importing a module: main/ wires this to the
 * operations module (job_runs / job_logs), and other concerns (metrics, alerts) may wrap it.
 * A hook that throws fails the attempt like a handler error (onEnqueued: the enqueue, and its transaction).
 */
export interface JobObserver {
  /** In the enqueuing transaction (`db` is the caller's tx): the run exists if and only if the job does. */
  onEnqueued(db: DbOrTx, run: EnqueuedRun): Promise<void>;
  /** Before the handler; false = the run was cancelled meanwhile, the handler is skipped. */
  onStarted(run: RunRef): Promise<boolean>;
  onCompleted(run: RunRef, outcome: { result: unknown; durationMs: number }): Promise<void>;
  /** `willRetry`: pg-boss retries it after backoff; `dead`: retries exhausted (dead letter); neither: failed for good. */
  onFailed(run: RunRef, outcome: { error: string; willRetry: boolean; dead: boolean; durationMs: number }): Promise<void>;
  /** In the transaction that sent the run's next pg-boss job (`bossJobId`, starting at `until`). */
  onPostponed(db: DbOrTx, run: RunRef, info: { until: Date; reason: string; bossJobId: string }): Promise<void>;
  /**
   * A failed attempt of a type with `retryDelaysSeconds`: in the transaction that sent the run's next pg-boss job
   * (`bossJobId`, starting at `until`). The attempt counts; the run waits `retrying` until then. False: the run's record
   * did not move (cancelled meanwhile, or not carried by this pg-boss job): the queue rolls the send back and lets
   * pg-boss retry the job itself.
   */
  onRetryScheduled(db: DbOrTx, run: RunRef, info: { error: string; until: Date; bossJobId: string; durationMs: number }): Promise<boolean>;
  /** Optional batch forms (batch enqueue, batched fetch): one statement for many runs; absent, the queue calls the single hooks one by one. */
  onEnqueuedMany?(db: DbOrTx, runs: EnqueuedRun[]): Promise<void>;
  /**
   * The run ids that may start (the others were cancelled meanwhile). `refetched`: runs whose pg-boss job was active
   * before (pg-boss retrying it), whose record a cancel may have ended during that attempt; a first fetch of a job never
   * carries a cancelled run. The observer may record the start later (job_runs: only if the run is still going after a
   * short delay); the other hooks still bring the record to its end state.
   */
  onStartedMany?(runs: RunRef[], refetched: Set<string>): Promise<Set<string>>;
  onCompletedMany?(completed: Array<{ run: RunRef; result: unknown; durationMs: number }>): Promise<void>;
  /** A handler's `job.record(level, message, metadata)`. */
  log(run: RunRef, level: JobLogLevel, message: string, metadata?: Record<string, unknown>): Promise<void>;
}

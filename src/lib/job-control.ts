/**
 * Thrown by a job handler (or anything it calls: a circuit breaker, a rate limiter) when the job
 * cannot run now but has not failed: the queue layer re-schedules it for `until` without counting
 * an attempt and without marking it failed.
 */
export class PostponeJob extends Error {
  readonly until: Date;
  readonly reason: string;

  constructor(until: Date, reason: string) {
    super(`postponed until ${until.toISOString()}: ${reason}`);
    this.name = 'PostponeJob';
    this.until = until;
    this.reason = reason;
  }
}

export const isPostponeJob = (error: unknown): error is PostponeJob => error instanceof PostponeJob;

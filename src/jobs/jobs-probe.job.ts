import { sleep } from '../lib/sleep.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const jobsProbeJob = (): JobHandler<{ failAttempts: number; sleepMs: number }> => async (payload, job) => {
  await job.log('info', 'probe started', { attempt: job.attempt, failAttempts: payload.failAttempts });
  if (payload.sleepMs > 0) await sleep(payload.sleepMs);
  if (job.attempt <= payload.failAttempts) throw new Error(`probe told to fail attempt ${job.attempt} of the first ${payload.failAttempts}`);
  return { ok: true, attempt: job.attempt };
};

import type { EventBus } from '../events/event-bus.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const eventsPruneJob =
  (bus: EventBus, retentionHours: number): JobHandler<Record<string, never>> =>
  async (_payload, job) => {
    const deleted = await bus.prune(retentionHours);
    await job.log('info', 'pruned old events', { deleted, retentionHours });
    return { deleted };
  };

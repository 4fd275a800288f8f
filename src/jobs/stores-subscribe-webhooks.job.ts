import type { Db } from '../db/client.ts';
import type { Logger } from '../lib/logger.ts';
import { type StoreCallDeps, subscribeStoreWebhooks } from '../modules/stores/index.ts';
import type { JobHandler } from '../queue/job-queue.ts';

export const storesSubscribeWebhooksJob =
  (db: Db, deps: StoreCallDeps, publicUrl: string | undefined, log: Logger): JobHandler<{ orgId: string; storeId: string }> =>
  async (payload, job) => {
    const outcome = await subscribeStoreWebhooks(
      db,
      deps,
      { ...payload, publicUrl },
      log.child({ job: 'stores.subscribe-webhooks', storeId: payload.storeId }),
    );
    await job.log('info', `store webhooks ${outcome.status}`, { ...outcome });
    return { ...outcome };
  };

import { PgBoss } from 'pg-boss';
import { describe, expect, it } from 'vitest';
import { sleep } from '../../src/lib/sleep.ts';
import { startTestServer } from '../helpers/server.ts';
import { serverUrl } from '../helpers/template.ts';

describe.runIf(serverUrl())('scale-out: nexo serve without workers + nexo worker (PostgreSQL)', () => {
  it('a job enqueued while only the separate worker process runs workers is completed by it', async () => {
    const api = await startTestServer({ env: { ENABLE_QUEUE_PROCESSING: '0' } });
    const databaseUrl = api.databaseUrl as string;
    const worker = await startTestServer({ command: 'worker', databaseUrl, dataDir: api.dataDir });
    const boss = new PgBoss({ connectionString: databaseUrl, schema: 'pgboss', supervise: false, schedule: false, migrate: false });
    await boss.start();
    try {
      const id = await boss.send('events.prune', {});
      expect(id).toBeTruthy();
      let state: string | undefined;
      for (let i = 0; i < 80 && state !== 'completed'; i++) {
        await sleep(250);
        [{ state } = { state: undefined }] = await boss.findJobs('events.prune', { id: id as string });
      }
      expect(state).toBe('completed');
      expect(await worker.stop()).toBe(0);
    } finally {
      await boss.stop({ graceful: false });
      await worker.stop();
      await api.destroy();
    }
  });
});

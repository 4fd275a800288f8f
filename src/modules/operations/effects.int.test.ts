import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { selectRows, type Tx } from '../../db/client.ts';
import { withTransaction } from '../../db/transaction.ts';
import { effectPerformed, once, performOnce, pruneJobEffects } from './effects.service.ts';

let tdb: TestDatabase;
const db = () => tdb.database.db;

beforeAll(async () => {
  tdb = await createTestDatabase();
  // The side effect under test: a table with no unique constraint, so only `once` keeps it from doubling.
  await db().execute(sql`create table effect_probe (key text not null, n int not null)`);
});
afterAll(() => tdb.close());

const probe = (tx: Tx, key: string, n = 1) => tx.execute(sql`insert into effect_probe (key, n) values (${key}, ${n})`).then(() => ({ wrote: n }));
const probeCount = async (key: string) =>
  Number((await selectRows<{ c: number }>(db(), sql`select count(*)::int as c from effect_probe where key = ${key}`))[0]?.c);

describe('job effects: once per idempotency key', () => {
  it('performs the effect the first time and returns the stored result afterwards without calling fn', async () => {
    const first = await performOnce(db(), { key: 'k:first', jobName: 'test.effect', jobId: 'j1' }, (tx) => probe(tx, 'k:first', 7));
    expect(first).toEqual({ performed: true, result: { wrote: 7 } });
    let called = false;
    const again = await performOnce(db(), { key: 'k:first', jobName: 'test.effect', jobId: 'j1' }, async (tx) => {
      called = true;
      return probe(tx, 'k:first', 8);
    });
    expect(again).toEqual({ performed: false, result: { wrote: 7 } });
    expect(called).toBe(false);
    expect(await probeCount('k:first')).toBe(1);
    expect(await effectPerformed(db(), 'k:first')).toBe(true);
    expect(await effectPerformed(db(), 'k:never')).toBe(false);
  });

  it('forgets the key when the transaction rolls back, so the next attempt performs the effect', async () => {
    await expect(
      withTransaction(db(), async (tx) => {
        await once(tx, { key: 'k:rollback', jobName: 'test.effect' }, (t) => probe(t, 'k:rollback'));
        throw new Error('crash after the effect, before commit');
      }),
    ).rejects.toThrow('crash after the effect');
    expect(await probeCount('k:rollback')).toBe(0);
    expect(await effectPerformed(db(), 'k:rollback')).toBe(false);
    const retry = await performOnce(db(), { key: 'k:rollback', jobName: 'test.effect' }, (tx) => probe(tx, 'k:rollback'));
    expect(retry.performed).toBe(true);
    expect(await probeCount('k:rollback')).toBe(1);
  });

  it('a failing effect leaves no key behind', async () => {
    await expect(
      performOnce(db(), { key: 'k:fails', jobName: 'test.effect' }, async () => {
        throw new Error('upstream said no');
      }),
    ).rejects.toThrow('upstream said no');
    expect(await effectPerformed(db(), 'k:fails')).toBe(false);
  });

  it('concurrent attempts with the same key perform the effect exactly once', async () => {
    const attempts = await Promise.all(
      Array.from({ length: 6 }, () => performOnce(db(), { key: 'k:race', jobName: 'test.effect' }, (tx) => probe(tx, 'k:race'))),
    );
    expect(attempts.filter((a) => a.performed)).toHaveLength(1);
    expect(attempts.every((a) => (a.result as { wrote: number }).wrote === 1)).toBe(true);
    expect(await probeCount('k:race')).toBe(1);
  });

  it('stores undefined results as null and keeps the job name, id and org', async () => {
    const orgId = '0192f1e0-0000-7000-8000-000000000001';
    const out = await performOnce(db(), { key: 'k:meta', jobName: 'test.effect', jobId: 'job-9', orgId }, async () => undefined);
    expect(out).toEqual({ performed: true, result: undefined });
    const [row] = await selectRows<Record<string, unknown>>(db(), sql`select job_name, job_id, org_id, result from job_effects where key = 'k:meta'`);
    expect(row).toEqual({ job_name: 'test.effect', job_id: 'job-9', org_id: orgId, result: null });
    expect((await performOnce(db(), { key: 'k:meta', jobName: 'test.effect' }, async () => 1)).performed).toBe(false);
  });

  it('refuses empty or non-ASCII keys', async () => {
    for (const key of ['', 'has space', 'ünicode', 'x'.repeat(301)]) {
      await expect(performOnce(db(), { key, jobName: 'test.effect' }, async () => 1)).rejects.toMatchObject({ code: 'VALIDATION' });
    }
  });

  it('prunes effects recorded before a cut-off', async () => {
    await db().execute(sql`insert into job_effects (key, job_name, created_at) values ('k:old', 'test.effect', now() - interval '40 days')`);
    const removed = await pruneJobEffects(db(), new Date(Date.now() - 30 * 86_400_000));
    expect(removed).toBe(1);
    expect(await effectPerformed(db(), 'k:old')).toBe(false);
    expect(await effectPerformed(db(), 'k:first')).toBe(true);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/database.ts';
import { silentLog } from '../../test/helpers/template.ts';
import type { EventMessage } from '../contracts/system.ts';
import { withTransaction } from '../db/transaction.ts';
import { uuidv7 } from '../lib/ids.ts';
import { sleep } from '../lib/sleep.ts';
import { createEventBus, type EventBus } from './event-bus.ts';

async function waitFor(events: EventMessage[], count: number, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (events.length < count && Date.now() < deadline) await sleep(20);
  return events;
}

describe('event bus', () => {
  let t: TestDatabase;
  let bus: EventBus;
  const orgA = uuidv7();
  const orgB = uuidv7();

  beforeAll(async () => {
    t = await createTestDatabase();
    bus = createEventBus(t.database, silentLog);
    await bus.start();
  });
  afterAll(async () => {
    await bus.stop();
    await t.close();
  });

  it('delivers a published event to subscribers of its scope only', async () => {
    const seenA: EventMessage[] = [];
    const seenB: EventMessage[] = [];
    const seenSystem: EventMessage[] = [];
    const offA = bus.subscribe({ orgId: orgA }, (e) => seenA.push(e));
    const offB = bus.subscribe({ orgId: orgB }, (e) => seenB.push(e));
    const offS = bus.subscribe({ orgId: null }, (e) => seenSystem.push(e));
    const published = await bus.publish(t.database.db, orgA, 'task.created', { taskId: 't1' });
    await waitFor(seenA, 1);
    await sleep(200);
    expect(seenA).toEqual([published]);
    expect(seenB).toEqual([]);
    expect(seenSystem).toEqual([]);
    offA();
    offB();
    offS();
  });

  it('publishes inside a transaction only when it commits', async () => {
    const seen: EventMessage[] = [];
    const off = bus.subscribe({ orgId: orgA }, (e) => seen.push(e));
    await expect(
      withTransaction(t.database.db, async (tx) => {
        await bus.publish(tx, orgA, 'task.updated', { n: 'rolled back' });
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    await withTransaction(t.database.db, (tx) => bus.publish(tx, orgA, 'task.updated', { n: 'committed' }));
    await waitFor(seen, 1);
    await sleep(200);
    expect(seen.map((e) => e.payload.n)).toEqual(['committed']);
    off();
  });

  it('carries payloads larger than the NOTIFY limit through the table', async () => {
    const seen: EventMessage[] = [];
    const off = bus.subscribe({ orgId: orgB }, (e) => seen.push(e));
    const big = 'x'.repeat(20_000);
    await bus.publish(t.database.db, orgB, 'report.ready', { big });
    await waitFor(seen, 1);
    expect(seen[0]?.payload.big).toBe(big);
    off();
  });

  it('replays events after an id, in order and in scope', async () => {
    const first = await bus.publish(t.database.db, orgB, 'a', { i: 1 });
    await bus.publish(t.database.db, orgA, 'b', { i: 2 });
    const third = await bus.publish(t.database.db, orgB, 'c', { i: 3 });
    const replayed = await bus.replay({ orgId: orgB }, (BigInt(first.id) - 1n).toString());
    expect(replayed.map((e) => e.id)).toEqual([first.id, third.id]);
  });

  it('prunes events past the retention window', async () => {
    await bus.publish(t.database.db, null, 'old', {});
    const deleted = await bus.prune(1, new Date(Date.now() + 2 * 3600_000));
    expect(deleted).toBeGreaterThan(0);
    expect(await bus.replay({ orgId: null }, '0')).toEqual([]);
  });
});

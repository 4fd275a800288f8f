import { describe, expect, it } from 'vitest';
import { readAhead } from './store-sync.service.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Pages "a".."e" keyed by cursor; records when each read starts, is ready (its slot granted) and ends. */
function channel(options: { fail?: string; readyAfterMs?: number; last?: string } = {}) {
  const events: string[] = [];
  const order = ['a', 'b', 'c', 'd', 'e'];
  const lastIndex = order.indexOf(options.last ?? 'c');
  const read = async (cursor: string | null, ready: () => void) => {
    const key = cursor ?? 'a';
    events.push(`read ${key}`);
    if (options.readyAfterMs) await tick(options.readyAfterMs);
    events.push(`ready ${key}`);
    ready();
    await tick(5);
    events.push(`got ${key}`);
    if (key === options.fail) throw new Error(`read ${key} failed`);
    const index = order.indexOf(key);
    return { items: [key], nextCursor: index < lastIndex ? (order[index + 1] as string) : null };
  };
  return { events, read };
}

describe('readAhead', () => {
  it('yields every page in order and reads the next one while the caller still works on the current one', async () => {
    const { events, read } = channel();
    const seen: string[] = [];
    for await (const pages of readAhead(null, read)) {
      for (const page of pages) events.push(`store ${page.items[0]}`);
      await tick(20);
      seen.push(...pages.flatMap((page) => page.items));
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    // The read of the next page starts before the current page is stored, and nothing is read after the last page.
    expect(events.indexOf('read b')).toBeLessThan(events.indexOf('store a'));
    expect(events.indexOf('read c')).toBeLessThan(events.indexOf('store b'));
    expect(events.filter((e) => e.startsWith('read '))).toEqual(['read a', 'read b', 'read c']);
  });

  it('hands a page over only once the next read is ready (its limiter slot taken), so a write cannot hold that back', async () => {
    const { events, read } = channel({ readyAfterMs: 15 });
    for await (const pages of readAhead(null, read)) for (const page of pages) events.push(`store ${page.items[0]}`);
    expect(events.indexOf('ready b')).toBeLessThan(events.indexOf('store a'));
    expect(events.indexOf('ready c')).toBeLessThan(events.indexOf('store b'));
    expect(events.at(-1)).toBe('store c');
  });

  it('reads on while the caller is slow, at most `depth` pages ahead, and hands what arrived over together (at most `batch`)', async () => {
    const { events, read } = channel({ last: 'e' });
    const groups: string[][] = [];
    for await (const pages of readAhead(null, read, { depth: 2, batch: 2 })) {
      groups.push(pages.flatMap((page) => page.items));
      events.push(`store ${groups.at(-1)?.join('')}`);
      await tick(60);
    }
    expect(groups.flat()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(groups[0]).toEqual(['a']);
    expect(groups.slice(1).every((group) => group.length <= 2)).toBe(true);
    expect(groups.some((group) => group.length === 2)).toBe(true);
    // While "a" was being stored, b and c arrived (depth 2), and d was read only once they were taken.
    expect(events.indexOf('got c')).toBeLessThan(events.indexOf('store bc'));
    expect(events.indexOf('read d')).toBeGreaterThan(events.indexOf('store a'));
    expect(events.indexOf('read d')).toBeGreaterThan(events.indexOf('got c'));
    const storeBc = events.indexOf('store bc');
    expect(events.slice(events.indexOf('store a'), storeBc).filter((e) => e.startsWith('read '))).toEqual(['read c', 'read d']);
  });

  it('a failed read surfaces only after the pages before it were handed over', async () => {
    const { read } = channel({ fail: 'c' });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const pages of readAhead(null, read, { depth: 3, batch: 3 })) seen.push(...pages.flatMap((page) => page.items));
      })(),
    ).rejects.toThrow('read c failed');
    expect(seen).toEqual(['a', 'b']);
  });

  it('when the caller fails, the read in flight is finished (and its outcome dropped) before the error goes on, and nothing more is read', async () => {
    const { events, read } = channel({ fail: 'b' });
    await expect(
      (async () => {
        for await (const pages of readAhead(null, read, { depth: 3 })) throw new Error(`store ${pages[0]?.items[0]} failed`);
      })(),
    ).rejects.toThrow('store a failed');
    expect(events).toEqual(['read a', 'ready a', 'got a', 'read b', 'ready b', 'got b']);
  });
});

import { describe, expect, it } from 'vitest';
import { readAhead } from './store-sync.service.ts';

/** Pages "a".."c" keyed by cursor; records when each read starts and ends. */
function channel(fail?: string) {
  const events: string[] = [];
  const pages: Record<string, { items: string[]; nextCursor: string | null }> = {
    start: { items: ['a'], nextCursor: 'b' },
    b: { items: ['b'], nextCursor: 'c' },
    c: { items: ['c'], nextCursor: null },
  };
  const read = async (cursor: string | null) => {
    const key = cursor ?? 'start';
    events.push(`read ${key}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    events.push(`got ${key}`);
    if (key === fail) throw new Error(`read ${key} failed`);
    return pages[key] as { items: string[]; nextCursor: string | null };
  };
  return { events, read };
}

describe('readAhead', () => {
  it('yields every page in order and reads the next one while the caller still works on the current one', async () => {
    const { events, read } = channel();
    const seen: string[] = [];
    for await (const page of readAhead(null, read)) {
      events.push(`store ${page.items[0]}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      seen.push(...page.items);
    }
    expect(seen).toEqual(['a', 'b', 'c']);
    // The read of the next page starts before the current page is stored, and nothing is read after the last page.
    expect(events.indexOf('read b')).toBeLessThan(events.indexOf('store a'));
    expect(events.indexOf('read c')).toBeLessThan(events.indexOf('store b'));
    expect(events.filter((e) => e.startsWith('read'))).toEqual(['read start', 'read b', 'read c']);
  });

  it('a failed read surfaces only after the pages before it were handed over', async () => {
    const { read } = channel('c');
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const page of readAhead(null, read)) seen.push(...page.items);
      })(),
    ).rejects.toThrow('read c failed');
    expect(seen).toEqual(['a', 'b']);
  });

  it('when the caller fails, the read in flight is finished (and its outcome dropped) before the error goes on', async () => {
    const { events, read } = channel('b');
    await expect(
      (async () => {
        for await (const page of readAhead(null, read)) throw new Error(`store ${page.items[0]} failed`);
      })(),
    ).rejects.toThrow('store a failed');
    expect(events).toEqual(['read start', 'got start', 'read b', 'got b']);
  });
});

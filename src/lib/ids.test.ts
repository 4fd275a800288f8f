import { describe, expect, it } from 'vitest';
import { shortId, uuidv7, uuidv7Time } from './ids.ts';

describe('uuidv7', () => {
  it('is a version 7, RFC 9562 variant UUID', () => {
    expect(uuidv7()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('tells when it was made; other ids have no time', () => {
    expect(uuidv7Time(uuidv7(1_900_000_000_123))?.getTime()).toBe(1_900_000_000_123);
    expect(uuidv7Time('8d3f1c2e-4b5a-4c6d-9e8f-0a1b2c3d4e5f')).toBeNull();
    expect(uuidv7Time('not-an-id')).toBeNull();
  });

  it('sorts by creation time', () => {
    const ids = [1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000].map((t) => uuidv7(t));
    expect([...ids].sort()).toEqual(ids);
  });

  it('is unique within the same millisecond', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => uuidv7(1_700_000_000_000)));
    expect(ids.size).toBe(1000);
  });

  it('draws fresh random bits across refills of its entropy pool (4 KiB, 256 ids)', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => uuidv7(1_700_000_000_000 + i * 2000));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // The last 62 bits are random for every id: no repeats, and every hex digit shows up in every position.
    const tails = ids.map((id) => id.slice(-12));
    expect(new Set(tails).size).toBe(ids.length);
    for (let position = 0; position < 12; position++) expect(new Set(tails.map((t) => t[position])).size).toBe(16);
    expect(new Set(Array.from({ length: 1000 }, () => shortId())).size).toBe(1000);
  });
});

describe('uuidv7 monotonicity', () => {
  it('ids made one after another in the same millisecond sort in creation order', () => {
    const at = 1_900_000_000_000;
    const ids = Array.from({ length: 5000 }, () => uuidv7(at));
    expect([...ids].sort()).toEqual(ids);
  });
});

import { describe, expect, it } from 'vitest';
import { fitPageSize, PAGE_WAIT_SECONDS } from './shopify-session.ts';

// Products pages: 3 + 20 variants per product, 2 for the connection.
const PER_PRODUCT = 23;
const bucket = (currentlyAvailable: number, restoreRate = 100, maximumAvailable = 1000) => ({ maximumAvailable, currentlyAvailable, restoreRate });

describe('fitPageSize', () => {
  it('asks for the full page when the bucket is unknown or holds enough', () => {
    expect(fitPageSize(50, PER_PRODUCT, null)).toBe(43); // 2 + 43 × 23 = 991 <= 1,000 per query
    expect(fitPageSize(50, PER_PRODUCT, bucket(1000))).toBe(43);
    expect(fitPageSize(25, PER_PRODUCT, bucket(1000))).toBe(25);
  });

  it('shrinks the page to what the bucket holds now, instead of waiting for a full page of requested cost', () => {
    expect(fitPageSize(50, PER_PRODUCT, bucket(500))).toBe(21); // 2 + 21 × 23 = 485
    expect(2 + fitPageSize(50, PER_PRODUCT, bucket(700)) * PER_PRODUCT).toBeLessThanOrEqual(700);
  });

  it('waits for at most PAGE_WAIT_SECONDS of restore: an empty bucket gets the page that restores in that time', () => {
    const size = fitPageSize(50, PER_PRODUCT, bucket(0));
    expect(size).toBe(8); // 2 + 8 × 23 = 186 points: 1.86 s at 100 points/s
    expect((2 + size * PER_PRODUCT) / 100).toBeLessThanOrEqual(PAGE_WAIT_SECONDS);
    // A fast-restoring store (Plus: 500/s) keeps full pages even when emptied; a slow one gets at least one item.
    expect(fitPageSize(50, PER_PRODUCT, bucket(0, 500))).toBe(43);
    expect(fitPageSize(50, PER_PRODUCT, bucket(0, 1))).toBe(1);
  });

  it('never asks for more than the bucket can ever hold or one query may cost', () => {
    expect(fitPageSize(50, PER_PRODUCT, bucket(100, 10, 100))).toBe(4); // 2 + 4 × 23 = 94 <= 100
    expect(fitPageSize(500, 1, bucket(10_000, 500, 10_000))).toBe(250);
    expect(fitPageSize(50, 53, bucket(0))).toBe(3); // orders: 3 + 50 lines each
  });
});

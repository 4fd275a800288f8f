import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.ts';
import { DeadlineExceeded, within } from './within.ts';

describe('within', () => {
  it('answers with the work when it settles in time', async () => {
    await expect(within(Promise.resolve(42), 1000)).resolves.toBe(42);
    await expect(within(Promise.reject(new Error('boom')), 1000)).rejects.toThrow('boom');
  });

  it('rejects with DeadlineExceeded when the work is slower than the deadline', async () => {
    const error = await within(sleep(200), 20).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineExceeded);
    expect((error as DeadlineExceeded).message).toBe('no answer within 20 ms');
  });
});

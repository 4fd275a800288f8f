/** Thrown by `within` when the work did not settle in time (the work itself keeps running). */
export class DeadlineExceeded extends Error {
  readonly ms: number;
  constructor(ms: number) {
    super(`no answer within ${ms} ms`);
    this.name = 'DeadlineExceeded';
    this.ms = ms;
  }
}

/** Settles like `work`, or rejects with `DeadlineExceeded` after `ms`; the timer never outlives the race. */
export async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

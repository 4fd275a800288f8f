/** The one source of "now", so services and tests agree on time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

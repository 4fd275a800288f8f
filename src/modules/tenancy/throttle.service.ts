import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import { authThrottle } from './tenancy.tables.ts';

export interface ThrottlePolicy {
  maxFailures: number;
  lockMs: number;
}

/** Per IP, many people may share an address (an office NAT): a larger budget than per account. */
const IP_FACTOR = 4;

const keysFor = (email: string, ip: string | null) => [{ key: `account:${email}`, max: 1 }, ...(ip ? [{ key: `ip:${ip}`, max: IP_FACTOR }] : [])];

/** 429 with Retry-After while the account or the IP is locked; same message either way. */
export async function assertNotThrottled(db: Db, email: string, ip: string | null, now: Date): Promise<void> {
  for (const { key } of keysFor(email, ip)) {
    const [row] = await db.select().from(authThrottle).where(eq(authThrottle.key, key));
    if (row?.lockedUntil && row.lockedUntil > now) {
      const retryAfter = Math.ceil((row.lockedUntil.getTime() - now.getTime()) / 1000);
      throw new AppError('RATE_LIMITED', 'Too many failed sign-in attempts. Try again later.', { retryAfterSeconds: retryAfter });
    }
  }
}

/** Counts a failure in the current window; reaching the limit locks for `lockMs`. Atomic per key. */
export async function recordLoginFailure(db: Db, email: string, ip: string | null, now: Date, policy: ThrottlePolicy): Promise<void> {
  const windowStart = new Date(now.getTime() - policy.lockMs).toISOString();
  const lockUntil = new Date(now.getTime() + policy.lockMs).toISOString();
  for (const { key, max } of keysFor(email, ip)) {
    const limit = policy.maxFailures * max;
    await db.execute(sql`
      insert into ${authThrottle} (key, failures, window_started_at, locked_until)
      values (${key}, 1, ${now.toISOString()}::timestamptz, case when 1 >= ${limit} then ${lockUntil}::timestamptz end)
      on conflict (key) do update set
        failures = case when ${authThrottle.windowStartedAt} < ${windowStart}::timestamptz then 1 else ${authThrottle.failures} + 1 end,
        window_started_at = case when ${authThrottle.windowStartedAt} < ${windowStart}::timestamptz then ${now.toISOString()}::timestamptz else ${authThrottle.windowStartedAt} end,
        locked_until = case
          when (case when ${authThrottle.windowStartedAt} < ${windowStart}::timestamptz then 1 else ${authThrottle.failures} + 1 end) >= ${limit}
          then ${lockUntil}::timestamptz
          else ${authThrottle.lockedUntil} end`);
  }
}

export async function clearLoginFailures(db: Db, email: string): Promise<void> {
  await db.delete(authThrottle).where(eq(authThrottle.key, `account:${email}`));
}

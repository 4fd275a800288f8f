import type { FastifyReply } from 'fastify';
import { AppError } from '../../lib/errors.ts';

/**
 * Fixed one-minute windows per key (token, session or IP), kept in this process's memory: with N API
 * processes behind a balancer the effective limit is up to N times the setting (documented).
 */
export function createRateLimiter(windowMs = 60_000) {
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = Date.now();

  const sweep = (now: number) => {
    if (now - lastSweep < windowMs) return;
    lastSweep = now;
    for (const [key, w] of windows) if (now - w.start >= windowMs) windows.delete(key);
  };

  return {
    /** Counts one request; sets RateLimit-* headers; throws 429 (with Retry-After) past the limit. */
    hit(key: string, limit: number, reply: FastifyReply, now = Date.now()): void {
      sweep(now);
      let w = windows.get(key);
      if (!w || now - w.start >= windowMs) {
        w = { start: now, count: 0 };
        windows.set(key, w);
      }
      w.count++;
      const resetSeconds = Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
      reply.header('RateLimit-Limit', String(limit));
      reply.header('RateLimit-Remaining', String(Math.max(0, limit - w.count)));
      reply.header('RateLimit-Reset', String(resetSeconds));
      if (w.count > limit) {
        reply.header('Retry-After', String(resetSeconds));
        throw new AppError('RATE_LIMITED', `Rate limit of ${limit} requests per minute exceeded; retry in ${resetSeconds} s`, {
          limit,
          retryAfterSeconds: resetSeconds,
        });
      }
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

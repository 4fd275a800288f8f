/**
 * Abuse limits on a server started with small settings: per-token API rate limit (RateLimit-* headers,
 * 429 + Retry-After), login throttling per account (same answer whether the account exists or not)
 * and per IP (password spraying), and the anonymous rate limit.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, bearer, expectOk, read, type SecurityFixture, startSecurityFixture } from './fixture.ts';

const MAX_FAILURES = 3;
const LOCK_MINUTES = 15;
const PER_MINUTE = 40;
const ANONYMOUS_PER_MINUTE = 100;

describe('security: rate limits and login throttling', () => {
  let fx: SecurityFixture;

  beforeAll(async () => {
    fx = await startSecurityFixture({
      env: {
        NEXO_LOGIN_MAX_FAILURES: String(MAX_FAILURES),
        NEXO_LOGIN_LOCK_MINUTES: String(LOCK_MINUTES),
        NEXO_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
        NEXO_RATE_LIMIT_ANONYMOUS_PER_MINUTE: String(ANONYMOUS_PER_MINUTE),
      },
    });
  });
  afterAll(async () => {
    await fx?.destroy();
  });

  const login = (email: string, password: string) => anonymous(fx.url).request('POST', '/api/auth/login', { email, password });

  describe('API rate limit', () => {
    it(`a token gets ${PER_MINUTE} requests a minute with RateLimit-* headers, then 429 with Retry-After; other tokens are unaffected`, async () => {
      const created = await expectOk<{ secret: string }>(
        fx.a.people.owner.client.request('POST', '/api/tokens', { kind: 'integration', name: 'busy', scopes: ['system.read'] }),
        201,
      );
      const busy = bearer(fx.url, 'busy', created.secret);
      const remaining: number[] = [];
      for (let i = 0; i < PER_MINUTE; i++) {
        const res = await busy.request('GET', '/api/system/info');
        await res.arrayBuffer();
        expect(res.status, `request ${i + 1}`).toBe(200);
        expect(res.headers.get('ratelimit-limit')).toBe(String(PER_MINUTE));
        const reset = Number(res.headers.get('ratelimit-reset'));
        expect(reset).toBeGreaterThanOrEqual(1);
        expect(reset).toBeLessThanOrEqual(60);
        remaining.push(Number(res.headers.get('ratelimit-remaining')));
      }
      expect(remaining).toEqual(Array.from({ length: PER_MINUTE }, (_, i) => PER_MINUTE - 1 - i));
      const over = await read(await busy.request('GET', '/api/system/info'));
      expect(over.status).toBe(429);
      expect((over.body as { code: string }).code).toBe('RATE_LIMITED');
      const retryAfter = Number(over.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(over.headers.get('ratelimit-remaining')).toBe('0');
      expect(over.headers.get('ratelimit-limit')).toBe(String(PER_MINUTE));
      // Writes are limited by the same budget.
      expect((await busy.request('POST', '/api/events/test', { message: 'x' })).status).toBe(429);
      // Per credential: another token of the same org still works.
      expect((await bearer(fx.url, 'other', fx.a.integration.secret).request('GET', '/api/system/info')).status).toBe(200);
    });
  });

  describe('login throttling', () => {
    async function failUntilLocked(email: string, password: string) {
      for (let i = 1; i <= MAX_FAILURES; i++) {
        const r = await read(await login(email, password));
        expect(r.status, `${email} attempt ${i}: ${r.text}`).toBe(401);
      }
      const locked = await read(await login(email, password));
      expect(locked.status, `${email} after ${MAX_FAILURES} failures: ${locked.text}`).toBe(429);
      const retryAfter = Number(locked.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(LOCK_MINUTES * 60 - 120);
      expect(retryAfter).toBeLessThanOrEqual(LOCK_MINUTES * 60);
      const body = locked.body as { error: string; code: string; requestId: string; details?: unknown };
      expect(body.code).toBe('RATE_LIMITED');
      return body;
    }

    it(`after ${MAX_FAILURES} failures an account is locked (429 + Retry-After), even for the right password; an unknown account answers identically`, async () => {
      const victim = fx.a.people.operator;
      const existing = await failUntilLocked(victim.email, 'definitely wrong password');
      const rightPassword = await read(await login(victim.email, victim.password));
      expect(rightPassword.status).toBe(429);
      expect(rightPassword.headers.get('set-cookie')).toBeNull();

      const missing = await failUntilLocked(`nobody-${randomBytes(4).toString('hex')}@a.test`, 'definitely wrong password');
      expect(missing.error).toBe(existing.error);
      expect(Object.keys(missing).sort()).toEqual(Object.keys(existing).sort());
      expect(existing.error).not.toMatch(/exist|unknown|not found/i);
    });

    it('the lock is per account: other people still sign in', async () => {
      expect((await login(fx.b.people.viewer.email, fx.b.people.viewer.password)).status).toBe(200);
      expect((await login(fx.a.people.viewer.email, fx.a.people.viewer.password)).status).toBe(200);
    });

    /**
     * Accepting an invitation as an existing user proves that user's password: it is throttled and
     * locked out exactly like sign-in, otherwise anyone who can invite could guess passwords there.
     */
    it('guessing an existing account’s password through an invitation is throttled like login', async () => {
      const victim = fx.b.people.viewer;
      const invited = await expectOk<{ inviteUrl: string }>(
        fx.a.people.owner.client.request('POST', '/api/members/invitations', { email: victim.email, role: 'viewer' }),
        201,
      );
      const token = invited.inviteUrl.split('/').pop();
      const statuses: number[] = [];
      for (let i = 0; i <= MAX_FAILURES; i++) {
        const res = await anonymous(fx.url).request('POST', '/api/invitations/accept', { token, password: `guess number ${i} for you` });
        await res.arrayBuffer();
        statuses.push(res.status);
      }
      expect(statuses).toEqual([...Array.from({ length: MAX_FAILURES }, () => 401), 429]);
    });

    it('an account locked by failed logins cannot be entered through an invitation either', async () => {
      const victim = fx.b.people.operator;
      for (let i = 0; i < MAX_FAILURES; i++) await (await login(victim.email, `wrong ${i} guess here`)).arrayBuffer();
      expect((await login(victim.email, victim.password)).status).toBe(429);
      const invited = await expectOk<{ inviteUrl: string }>(
        fx.a.people.owner.client.request('POST', '/api/members/invitations', { email: victim.email, role: 'viewer' }),
        201,
      );
      const res = await anonymous(fx.url).request('POST', '/api/invitations/accept', { token: invited.inviteUrl.split('/').pop(), password: victim.password });
      expect(res.headers.get('set-cookie'), 'the lock was bypassed: a session was issued').toBeNull();
      expect(res.status).toBe(429);
    });

    it('password spraying from one address (one try per account) is locked per IP too', async () => {
      // Earlier failures from this address: at least 2 × MAX_FAILURES; the IP budget is 4 × MAX_FAILURES.
      let lockedAfter = 0;
      for (let i = 1; i <= 4 * MAX_FAILURES; i++) {
        const r = await read(await login(`spray-${i}-${randomBytes(3).toString('hex')}@a.test`, 'Summer2025!Summer'));
        if (r.status === 429) {
          lockedAfter = i;
          expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
          break;
        }
        expect(r.status).toBe(401);
      }
      expect(lockedAfter, 'the address was never locked').toBeGreaterThan(0);
      expect(lockedAfter).toBeLessThanOrEqual(2 * MAX_FAILURES + 1);
      // While the address is locked even a correct password from it is refused.
      expect((await login(fx.b.people.operator.email, fx.b.people.operator.password)).status).toBe(429);
    });
  });

  describe('anonymous rate limit', () => {
    it(`public routes allow ${ANONYMOUS_PER_MINUTE} requests a minute per address, then 429; probes are never limited`, async () => {
      let limitedAt = 0;
      for (let i = 1; i <= ANONYMOUS_PER_MINUTE + 1; i++) {
        const res = await fetch(`${fx.url}/api/invitations/${randomBytes(32).toString('base64url')}`);
        await res.arrayBuffer();
        if (res.status === 429) {
          limitedAt = i;
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          expect(res.headers.get('ratelimit-limit')).toBe(String(ANONYMOUS_PER_MINUTE));
          break;
        }
        expect(res.status).toBe(404);
      }
      expect(limitedAt, 'never limited').toBeGreaterThan(0);
      for (const probe of ['/healthz', '/readyz', '/metrics']) expect((await fetch(`${fx.url}${probe}`)).status, probe).toBe(200);
      // Authenticated callers have their own budget.
      expect((await fx.a.people.owner.client.request('GET', '/api/auth/me')).status).toBe(200);
    });
  });
});

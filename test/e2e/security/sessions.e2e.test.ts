/**
 * Cookie sessions: CSRF on every cookie-authenticated write (token bound to the session, Origin
 * checked), bearer tokens exempt; no session fixation; logout, log-out-everywhere, password change
 * and member removal end sessions server-side; role changes apply to live sessions at once.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, signIn } from '../../helpers/api-client.ts';
import { openSse } from '../../helpers/sse-client.ts';
import { bearer, clientFromResponse, cookiesFrom, expectOk, read, type SecurityFixture, startSecurityFixture } from './fixture.ts';

describe('security: sessions and CSRF', () => {
  let fx: SecurityFixture;

  beforeAll(async () => {
    fx = await startSecurityFixture();
  });
  afterAll(async () => {
    await fx?.destroy();
  });

  const raw = (path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}) =>
    fetch(`${fx.url}${path}`, {
      method: init.method ?? 'GET',
      headers: { ...(init.body === undefined ? {} : { 'content-type': 'application/json' }), ...init.headers },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  const sessionOf = (client: ApiClient) => client.cookie.match(/nexo_session=([^;]+)/)?.[1] as string;
  const whoAmI = async (cookie: string) => {
    const r = await read(await raw('/api/auth/me', { headers: { cookie } }));
    return { status: r.status, email: (r.body as { user?: { email: string } })?.user?.email };
  };

  describe('CSRF', () => {
    let owner: ApiClient;
    let other: ApiClient;
    let sacrificialTokenId: string;

    beforeAll(async () => {
      owner = await signIn(fx.url, fx.a.people.owner.email, fx.a.people.owner.password);
      other = await signIn(fx.url, fx.a.people.admin.email, fx.a.people.admin.password);
      const created = await expectOk<{ token: { id: string } }>(
        owner.request('POST', '/api/tokens', { kind: 'integration', name: 'csrf target', scopes: [] }),
        201,
      );
      sacrificialTokenId = created.token.id;
    });

    const writes = () =>
      [
        ['POST', '/api/events/test', { message: 'csrf probe' }],
        ['PATCH', '/api/org', { name: 'Renamed by CSRF' }],
        ['DELETE', `/api/tokens/${sacrificialTokenId}`, undefined],
        ['POST', '/api/members/invitations', { email: 'csrf@a.test', role: 'admin' }],
        ['POST', '/api/auth/logout', undefined],
      ] as const;

    it('a cookie-authenticated write without, with a wrong, or with another session’s CSRF token is 403; from a foreign Origin too', async () => {
      const variants: Array<[string, Record<string, string>]> = [
        ['no CSRF header', { origin: fx.url }],
        ['empty CSRF header', { 'x-csrf-token': '' }],
        ['wrong CSRF token', { 'x-csrf-token': randomBytes(32).toString('base64url') }],
        ["another session's CSRF token", { 'x-csrf-token': other.csrf }],
        ['CSRF token in a cookie only (double-submit without the header)', {}],
        ['valid token, foreign Origin', { 'x-csrf-token': owner.csrf, origin: 'https://evil.example' }],
        ['valid token, Origin null', { 'x-csrf-token': owner.csrf, origin: 'null' }],
        ['valid token, look-alike Origin', { 'x-csrf-token': owner.csrf, origin: `${fx.url}.evil.example` }],
      ];
      const failures: string[] = [];
      for (const [method, path, body] of writes()) {
        for (const [label, headers] of variants) {
          const r = await read(await raw(path, { method, body, headers: { cookie: owner.cookie, ...headers } }));
          if (r.status !== 403 || (r.body as { code?: string })?.code !== 'FORBIDDEN')
            failures.push(`${method} ${path} (${label}): ${r.status} ${r.text.slice(0, 160)}`);
        }
      }
      expect(failures).toEqual([]);
      // Nothing happened: the org kept its name, the token is live, no invitation, the session still works.
      const org = await expectOk<{ name: string }>(owner.request('GET', '/api/org'));
      expect(org.name).toBe(fx.a.name);
      const tokens = await expectOk<{ tokens: Array<{ id: string; revokedAt: string | null }> }>(owner.request('GET', '/api/tokens'));
      expect(tokens.tokens.find((t) => t.id === sacrificialTokenId)?.revokedAt).toBeNull();
      const members = await expectOk<{ invitations: Array<{ email: string }> }>(owner.request('GET', '/api/members'));
      expect(members.invitations.map((i) => i.email)).not.toContain('csrf@a.test');
      expect((await whoAmI(owner.cookie)).status).toBe(200);
    });

    it('control: the same writes with the session’s own token (same Origin, or none) succeed; reads need no token', async () => {
      expect(
        (await raw('/api/events/test', { method: 'POST', body: { message: 'ok' }, headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrf } })).status,
      ).toBe(202);
      expect((await owner.request('PATCH', '/api/org', { name: fx.a.name })).status).toBe(200);
      expect((await owner.request('DELETE', `/api/tokens/${sacrificialTokenId}`)).status).toBe(200);
      expect((await raw('/api/org', { headers: { cookie: owner.cookie } })).status).toBe(200);
    });

    it('bearer tokens need no CSRF token, whatever the Origin (they are never sent ambiently)', async () => {
      const token = bearer(fx.url, 'integration', fx.a.integration.secret);
      expect((await token.request('POST', '/api/events/test', { message: 'bearer' })).status).toBe(202);
      expect((await token.request('POST', '/api/events/test', { message: 'bearer' }, { origin: 'https://evil.example' })).status).toBe(202);
    });

    it('the CSRF token is not a credential on its own', async () => {
      const r = await read(
        await raw('/api/events/test', { method: 'POST', body: { message: 'x' }, headers: { cookie: `nexo_csrf=${owner.csrf}`, 'x-csrf-token': owner.csrf } }),
      );
      expect(r.status).toBe(401);
    });

    it('login CSRF: a cross-site form (text/plain or form-encoded body, no preflight) cannot sign anyone in', async () => {
      const credentials = JSON.stringify({ email: fx.a.people.viewer.email, password: fx.a.people.viewer.password });
      for (const [type, body] of [
        ['text/plain', credentials],
        ['application/x-www-form-urlencoded', new URLSearchParams({ email: fx.a.people.viewer.email, password: fx.a.people.viewer.password }).toString()],
        ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="email"\r\n\r\n${fx.a.people.viewer.email}\r\n--x--\r\n`],
      ] as const) {
        const res = await fetch(`${fx.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': type, origin: 'https://evil.example' }, body });
        expect(res.status, `${type}: ${await res.text()}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('set-cookie'), type).toBeNull();
      }
    });

    it('the session cookie is HttpOnly and SameSite; the CSRF cookie is readable by the page', async () => {
      const res = await raw('/api/auth/login', { method: 'POST', body: { email: fx.a.people.viewer.email, password: fx.a.people.viewer.password } });
      expect(res.status).toBe(200);
      const lines = res.headers.getSetCookie();
      const session = lines.find((l) => l.startsWith('nexo_session=')) as string;
      const csrf = lines.find((l) => l.startsWith('nexo_csrf=')) as string;
      expect(session).toMatch(/;\s*HttpOnly/i);
      expect(session).toMatch(/;\s*SameSite=(Lax|Strict)/i);
      expect(session).toMatch(/;\s*Path=\//);
      expect(csrf).not.toMatch(/HttpOnly/i);
      expect(cookiesFrom(res).nexo_session).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    });
  });

  describe('session fixation', () => {
    it('a session value chosen by the attacker before login is never adopted', async () => {
      const planted = randomBytes(32).toString('base64url');
      const res = await raw('/api/auth/login', {
        method: 'POST',
        body: { email: fx.a.people.viewer.email, password: fx.a.people.viewer.password },
        headers: { cookie: `nexo_session=${planted}` },
      });
      expect(res.status).toBe(200);
      const issued = cookiesFrom(res).nexo_session;
      expect(issued).toBeDefined();
      expect(issued).not.toBe(planted);
      expect(await whoAmI(`nexo_session=${planted}`)).toMatchObject({ status: 401 });
      expect(await whoAmI(`nexo_session=${issued}`)).toEqual({ status: 200, email: fx.a.people.viewer.email });
    });

    it("logging in over the attacker's own live session gives the victim a new one; the attacker's stays the attacker's", async () => {
      const attacker = await signIn(fx.url, fx.b.people.viewer.email, fx.b.people.viewer.password);
      const res = await raw('/api/auth/login', {
        method: 'POST',
        body: { email: fx.a.people.viewer.email, password: fx.a.people.viewer.password },
        headers: { cookie: attacker.cookie },
      });
      expect(res.status).toBe(200);
      const victim = clientFromResponse(fx.url, res);
      expect(sessionOf(victim)).not.toBe(sessionOf(attacker));
      expect((await whoAmI(attacker.cookie)).email).toBe(fx.b.people.viewer.email);
      expect((await whoAmI(victim.cookie)).email).toBe(fx.a.people.viewer.email);
    });

    it('accepting an invitation also issues a fresh session, never the planted one', async () => {
      const invited = await expectOk<{ inviteUrl: string }>(
        fx.a.people.owner.client.request('POST', '/api/members/invitations', { email: 'fixation@a.test', role: 'viewer' }),
        201,
      );
      const planted = randomBytes(32).toString('base64url');
      const res = await raw('/api/invitations/accept', {
        method: 'POST',
        body: { token: invited.inviteUrl.split('/').pop(), password: 'planted cookie passphrase 1234' },
        headers: { cookie: `nexo_session=${planted}` },
      });
      expect(res.status).toBe(200);
      expect(cookiesFrom(res).nexo_session).not.toBe(planted);
      expect((await whoAmI(`nexo_session=${planted}`)).status).toBe(401);
    });
  });

  /**
   * A live stream ends as soon as its credential does (revocations are broadcast with NOTIFY and
   * streams re-validate at each heartbeat), so a revoked token or a logged-out session hears nothing more.
   */
  describe('live event streams end with their credential', () => {
    async function deliversAfter(open: Record<string, string>, end: () => Promise<void>): Promise<void> {
      const stream = await openSse(`${fx.url}/api/events`, open);
      const control = await openSse(`${fx.url}/api/events`, { cookie: fx.a.people.owner.client.cookie });
      try {
        expect(stream.res.status).toBe(200);
        await end();
        const marker = `after-end-${randomBytes(6).toString('hex')}`;
        await expectOk(fx.a.people.owner.client.request('POST', '/api/events/test', { message: marker }), 202);
        await control.waitFor((frames) => frames.some((f) => f.data?.includes(marker)));
        await new Promise((r) => setTimeout(r, 200));
        expect(JSON.stringify(stream.frames), 'the ended credential still receives events').not.toContain(marker);
      } finally {
        stream.close();
        control.close();
      }
    }

    it('a revoked token stops receiving events', async () => {
      const owner = fx.a.people.owner.client;
      const created = await expectOk<{ token: { id: string }; secret: string }>(
        owner.request('POST', '/api/tokens', { kind: 'integration', name: 'listener', scopes: ['events.read'] }),
        201,
      );
      await deliversAfter({ authorization: `Bearer ${created.secret}` }, async () => {
        await expectOk(owner.request('DELETE', `/api/tokens/${created.token.id}`));
      });
    });

    it('a logged-out session stops receiving events', async () => {
      const s = await signIn(fx.url, fx.a.people.viewer.email, fx.a.people.viewer.password);
      await deliversAfter({ cookie: s.cookie }, async () => {
        expect((await s.request('POST', '/api/auth/logout')).status).toBe(204);
      });
    });
  });

  describe('ending sessions', () => {
    it('logout ends the session server-side: replaying the old cookie is 401', async () => {
      const s = await signIn(fx.url, fx.a.people.viewer.email, fx.a.people.viewer.password);
      expect((await whoAmI(s.cookie)).status).toBe(200);
      const res = await s.request('POST', '/api/auth/logout');
      expect(res.status).toBe(204);
      expect(res.headers.getSetCookie().find((l) => l.startsWith('nexo_session='))).toMatch(/Max-Age=0/);
      expect((await whoAmI(s.cookie)).status).toBe(401);
      expect((await s.request('POST', '/api/events/test', { message: 'after logout' })).status).toBe(401);
    });

    it("log out everywhere ends every session of that user, and no one else's", async () => {
      const person = fx.a.people.operator;
      const [one, two, three] = await Promise.all([1, 2, 3].map(() => signIn(fx.url, person.email, person.password)));
      const bystander = await signIn(fx.url, fx.a.people.viewer.email, fx.a.people.viewer.password);
      expect((await (one as ApiClient).request('POST', '/api/auth/logout-all')).status).toBe(204);
      for (const s of [one, two, three, person.client]) expect((await whoAmI((s as ApiClient).cookie)).status).toBe(401);
      expect((await whoAmI(bystander.cookie)).status).toBe(200);
      person.client = await signIn(fx.url, person.email, person.password);
    });

    it('a password change signs out the other sessions of that user, keeps the current one', async () => {
      const person = fx.a.people.admin;
      const current = await signIn(fx.url, person.email, person.password);
      const elsewhere = await signIn(fx.url, person.email, person.password);
      const newPassword = 'rotated second passphrase 2025';
      expect((await current.request('POST', '/api/auth/password', { currentPassword: person.password, newPassword })).status).toBe(204);
      expect((await whoAmI(elsewhere.cookie)).status).toBe(401);
      expect((await whoAmI(person.client.cookie)).status).toBe(401);
      expect((await whoAmI(current.cookie)).status).toBe(200);
      expect((await raw('/api/auth/login', { method: 'POST', body: { email: person.email, password: person.password } })).status).toBe(401);
      person.password = newPassword;
      person.client = current;
    });

    it('a role change applies to live sessions at once, and removal ends them', async () => {
      const owner = fx.a.people.owner.client;
      const admin = fx.a.people.admin;
      expect((await admin.client.request('GET', '/api/tokens')).status).toBe(200);
      expect((await owner.request('PATCH', `/api/members/${admin.userId}`, { role: 'viewer' })).status).toBe(200);
      expect((await admin.client.request('GET', '/api/tokens')).status).toBe(403);
      expect((await admin.client.request('POST', '/api/members/invitations', { email: 'late@a.test', role: 'viewer' })).status).toBe(403);
      expect((await owner.request('DELETE', `/api/members/${admin.userId}`)).status).toBe(204);
      expect((await whoAmI(admin.client.cookie)).status).toBe(401);
      // And a new sign-in finds no org for them: same 401 as bad credentials.
      const r = await read(await raw('/api/auth/login', { method: 'POST', body: { email: admin.email, password: admin.password } }));
      expect(r.status).toBe(401);
      expect((r.body as { error: string }).error).toBe('Invalid e-mail or password');
    });
  });
});

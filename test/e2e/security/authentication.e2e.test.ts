/**
 * Authentication failures look the same whatever the cause (no oracle for "does this account / token
 * exist"), cost about the same time, and seed 001's environment agent tokens are matched exactly
 * (never by prefix).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymous, bearer, type Caller, expectOk, passwordFor, read, type SecurityFixture, startSecurityFixture } from './fixture.ts';

const ENV_AGENT_TOKEN = 'marketplace-amazon-secret123';

describe('security: authentication', () => {
  let fx: SecurityFixture;

  beforeAll(async () => {
    fx = await startSecurityFixture({ env: { MARKETPLACE_AMAZON_TOKEN: ENV_AGENT_TOKEN, NEXO_DEFAULT_ORG: 'orga' } });
  });
  afterAll(async () => {
    await fx?.destroy();
  });

  const login = (email: string, password: string) => anonymous(fx.url).request('POST', '/api/auth/login', { email, password });

  /** A 401 with exactly `{ error, code: 'UNAUTHORIZED', requestId }`, the request id echoed in the header. */
  async function expectUniform401(res: Response, label: string): Promise<string> {
    const r = await read(res);
    expect(r.status, `${label}: ${r.text}`).toBe(401);
    expect(Object.keys(r.body as object).sort(), label).toEqual(['code', 'error', 'requestId']);
    const body = r.body as { error: string; code: string; requestId: string };
    expect(body.code, label).toBe('UNAUTHORIZED');
    expect(body.requestId, label).toBe(r.headers.get('x-request-id'));
    expect(body.error, label).toEqual(expect.any(String));
    expect(r.headers.get('set-cookie'), `${label}: a failed sign-in sets no cookie`).toBeNull();
    return body.error;
  }

  it('login: unknown e-mail and wrong password answer the same 401 text (and the right password works)', async () => {
    const wrongPassword = await expectUniform401(await login(fx.a.people.viewer.email, 'not the right password at all'), 'wrong password');
    const unknownUser = await expectUniform401(
      await login(`nobody-${randomBytes(4).toString('hex')}@a.test`, 'not the right password at all'),
      'unknown e-mail',
    );
    const caseVariant = await expectUniform401(
      await login(fx.a.people.viewer.email.toUpperCase(), 'still wrong password'),
      'wrong password, upper-case e-mail',
    );
    // The owner of a soft-deleted org, with the right password: no org to sign in to, same answer.
    const deletedOrgOwner = await expectUniform401(await login('owner@c.test', passwordFor('owner', 'orgc')), 'owner of a deleted org');
    expect(deletedOrgOwner).toBe(wrongPassword);
    expect(unknownUser).toBe(wrongPassword);
    expect(caseVariant).toBe(wrongPassword);
    expect(wrongPassword).not.toMatch(/exist|unknown|not found|no such/i);
    // Control: the same account with its real password signs in, so the 401s above were about the credentials.
    expect((await login(fx.a.people.viewer.email, fx.a.people.viewer.password)).status).toBe(200);
  });

  it('bearer tokens: malformed, wrong secret, wrong kind, unknown, revoked, expired and deleted-org tokens all answer the same 401', async () => {
    const path = '/api/system/info';
    const valid = fx.a.integration.secret;
    const [, , id] = valid.split('_');
    const tokenCases: Array<[string, string]> = [
      ['garbage', 'garbage'],
      ['right shape, too short', 'nexo_int_abc_def'],
      ['prefix of a valid token', valid.slice(0, -1)],
      ['valid token plus one character', `${valid}A`],
      ['valid id, wrong secret', `nexo_int_${id}_${'A'.repeat(43)}`],
      ['valid id and secret, wrong kind code', valid.replace(/^nexo_int_/, 'nexo_agt_')],
      ['unknown id', `nexo_int_${'z'.repeat(16)}_${randomBytes(32).toString('base64url')}`],
      ['revoked token', fx.a.revokedToken.secret],
      ['expired token', fx.a.expiredToken.secret],
      ['token of a deleted org', fx.deletedOrgToken.secret],
      ['env-token prefix (seed 001 prefix auth)', 'marketplace-'],
    ];
    const texts = new Set<string>();
    for (const [label, token] of tokenCases) texts.add(await expectUniform401(await bearer(fx.url, label, token).request('GET', path), label));
    const headerCases: Array<[string, Record<string, string>]> = [
      ['no credentials', {}],
      ['Basic scheme', { authorization: `Basic ${Buffer.from('owner@nexo.test:x').toString('base64')}` }],
      ['empty bearer', { authorization: 'Bearer ' }],
      ['bearer with a space inside', { authorization: `Bearer ${valid} x` }],
      ['unknown session cookie', { cookie: `nexo_session=${randomBytes(32).toString('base64url')}` }],
      ['empty session cookie', { cookie: 'nexo_session=' }],
    ];
    for (const [label, headers] of headerCases) texts.add(await expectUniform401(await anonymous(fx.url).request('GET', path, undefined, headers), label));
    expect([...texts], 'every credential failure has the same text').toHaveLength(1);
    // Controls: a live token of the same org and scope works on the same route.
    expect((await bearer(fx.url, 'valid', valid).request('GET', path)).status).toBe(200);
  });

  it('a token works until it is revoked, then answers 401 at once', async () => {
    const owner = fx.a.people.owner.client;
    const created = await expectOk<{ token: { id: string }; secret: string }>(
      owner.request('POST', '/api/tokens', { kind: 'integration', name: 'short-lived', scopes: ['system.read'] }),
      201,
    );
    const caller: Caller = bearer(fx.url, 'short-lived', created.secret);
    expect((await caller.request('GET', '/api/system/info')).status).toBe(200);
    await expectOk(owner.request('DELETE', `/api/tokens/${created.token.id}`));
    await expectUniform401(await caller.request('GET', '/api/system/info'), 'just revoked');
  });

  it('unknown-user and wrong-password logins take about the same time (dummy argon2 verification)', async () => {
    const median = (xs: number[]) => {
      const s = [...xs].sort((x, y) => x - y);
      return ((s[Math.floor((s.length - 1) / 2)] as number) + (s[Math.ceil((s.length - 1) / 2)] as number)) / 2;
    };
    const time = async (email: string) => {
      const started = performance.now();
      const res = await login(email, `wrong password ${randomBytes(4).toString('hex')}`);
      const ms = performance.now() - started;
      expect(res.status).toBe(401);
      await res.arrayBuffer();
      return ms;
    };
    // Wrong passwords spread over several real accounts; unknown e-mails all different (each gets its own throttle key).
    const existing = [fx.a.people.admin.email, fx.a.people.operator.email, fx.b.people.viewer.email, fx.b.people.operator.email];
    await time(existing[0] as string); // warm-up of both paths
    await time(`warmup-${randomBytes(4).toString('hex')}@nowhere.test`);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 8; i++) {
      known.push(await time(existing[i % existing.length] as string));
      unknown.push(await time(`ghost-${i}-${randomBytes(4).toString('hex')}@nowhere.test`));
    }
    const ratio = median(unknown) / median(known);
    expect(ratio, `median unknown ${median(unknown).toFixed(1)} ms vs wrong password ${median(known).toFixed(1)} ms`).toBeGreaterThan(0.33);
    expect(ratio).toBeLessThan(3);
  });

  describe('seed 001 environment agent tokens', () => {
    it('MARKETPLACE_AMAZON_TOKEN is accepted exactly, as an agent', async () => {
      const res = await bearer(fx.url, 'env token', ENV_AGENT_TOKEN).request('GET', '/api/system/info');
      expect(res.status).toBe(200);
      expect(((await res.json()) as { name: string }).name).toBe('nexo');
    });

    it('a look-alike (same prefix, other suffix, substring, superstring) is 401', async () => {
      for (const token of [
        'marketplace-anything',
        'marketplace-amazon',
        'marketplace-amazon-secret12',
        'marketplace-amazon-secret1234',
        'MARKETPLACE-AMAZON-SECRET123',
      ]) {
        await expectUniform401(await bearer(fx.url, token, token).request('GET', '/api/system/info'), token);
      }
    });

    it('it carries only agent permissions: no people, tokens or org settings', async () => {
      const env = bearer(fx.url, 'env token', ENV_AGENT_TOKEN);
      for (const [method, path, body] of [
        ['GET', '/api/members', undefined],
        ['GET', '/api/tokens', undefined],
        ['POST', '/api/tokens', { kind: 'integration', name: 'escalate', scopes: ['system.read'] }],
        ['PATCH', '/api/org', { name: 'pwned' }],
        ['GET', '/api/auth/me', undefined],
      ] as const) {
        const r = await read(await env.request(method, path, body));
        expect(r.status, `${method} ${path}: ${r.text}`).toBe(403);
      }
    });
  });
});

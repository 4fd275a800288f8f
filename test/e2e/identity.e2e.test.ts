import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/lib/totp.ts';
import { type ApiClient, signIn, testOwner, tokenClient } from '../helpers/api-client.ts';
import { dropServerDatabase, freshDataDir, freshServerDatabase, removeDataDir, runNexo, startTestServer, type TestServer } from '../helpers/server.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';

describe('identity end to end', () => {
  let smtp: TestSmtpServer;
  let server: TestServer;
  let owner: ApiClient;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ env: { SMTP_URL: smtp.url, MARKETPLACE_AMAZON_TOKEN: 'marketplace-amazon-secret123' } });
    owner = await signIn(server.url);
  });
  afterAll(async () => {
    await server?.destroy();
    await smtp?.close();
  });

  it('an invitation is e-mailed through SMTP_URL, accepted once, and the new member signs in', async () => {
    const invite = await owner.json<{ inviteUrl: string; emailed: boolean }>('POST', '/api/members/invitations', {
      email: 'Carla@Example.test',
      role: 'operator',
    });
    expect(invite.status).toBe(201);
    expect(invite.body.emailed).toBe(true);
    const mail = await smtp.waitForMessage((m) => m.to.includes('carla@example.test'));
    expect(mail.subject).toContain('invited');
    expect(mail.body).toContain(invite.body.inviteUrl);
    const token = invite.body.inviteUrl.split('/').pop();
    const preview = await fetch(`${server.url}/api/invitations/${token}`);
    expect(await preview.json()).toMatchObject({ email: 'carla@example.test', role: 'operator', existingUser: false });
    const accept = await fetch(`${server.url}/api/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'Carla', password: 'she has a long passphrase 1' }),
    });
    expect(accept.status).toBe(200);
    expect((await accept.json()).me).toMatchObject({ role: 'operator', user: { email: 'carla@example.test' } });
    const again = await fetch(`${server.url}/api/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, password: 'she has a long passphrase 1' }),
    });
    expect(again.status).toBe(404);
    const carla = await signIn(server.url, 'carla@example.test', 'she has a long passphrase 1');
    const members = await carla.json<{ members: Array<{ email: string; role: string }>; invitations: unknown[] }>('GET', '/api/members');
    expect(members.body.members.map((m) => m.email)).toEqual(expect.arrayContaining([testOwner.email, 'carla@example.test']));
    expect(members.body.invitations).toEqual([]);
    const audit = await owner.json<{ entries: Array<{ action: string }> }>('GET', '/api/audit?resourceType=member');
    expect(audit.body.entries.map((e) => e.action)).toEqual(expect.arrayContaining(['member.joined']));
  });

  it('two-factor over HTTP: enrol, then sign-in needs the code', async () => {
    const invite = await owner.json<{ inviteUrl: string }>('POST', '/api/members/invitations', { email: 'dora@example.test', role: 'admin' });
    const token = invite.body.inviteUrl.split('/').pop();
    await fetch(`${server.url}/api/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token, name: 'Dora', password: 'she has a long passphrase 2' }),
    });
    const dora = await signIn(server.url, 'dora@example.test', 'she has a long passphrase 2');
    const setup = await dora.json<{ secret: string; qrSvg: string }>('POST', '/api/auth/2fa/setup');
    expect(setup.status).toBe(200);
    const enable = await dora.json<{ recoveryCodes: string[] }>('POST', '/api/auth/2fa/enable', { code: totpCode(setup.body.secret, Date.now() - 30_000) });
    expect(enable.body.recoveryCodes).toHaveLength(10);
    const login = (body: object) =>
      fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(
        async (r) => ({
          status: r.status,
          body: await r.json(),
          cookies: r.headers.getSetCookie(),
        }),
      );
    const step1 = await login({ email: 'dora@example.test', password: 'she has a long passphrase 2' });
    expect(step1).toMatchObject({ status: 200, body: { status: 'two_factor_required' } });
    expect(step1.cookies).toEqual([]);
    const step2 = await login({ email: 'dora@example.test', password: 'she has a long passphrase 2', totpCode: totpCode(setup.body.secret, Date.now()) });
    expect(step2.body.status).toBe('ok');
    expect(step2.cookies.some((c) => c.startsWith('nexo_session=') && c.includes('HttpOnly') && c.includes('SameSite=Lax'))).toBe(true);
  });

  it('an org requiring two-factor for admins blocks them until they enrol', async () => {
    const patched = await owner.json('PATCH', '/api/org', { settings: { requireTwoFactorForAdmins: true } });
    expect(patched.status).toBe(200);
    const me = await owner.json<{ twoFactorSetupRequired: boolean; permissions: string[] }>('GET', '/api/auth/me');
    expect(me.body.twoFactorSetupRequired).toBe(true);
    expect(me.body.permissions).toEqual([]);
    const blocked = await owner.json<{ details: { reason: string } }>('GET', '/api/members');
    expect(blocked.status).toBe(403);
    expect(blocked.body.details.reason).toBe('two_factor_setup_required');
    const setup = await owner.json<{ secret: string }>('POST', '/api/auth/2fa/setup');
    await owner.json('POST', '/api/auth/2fa/enable', { code: totpCode(setup.body.secret, Date.now() - 30_000) });
    expect((await owner.json('GET', '/api/members')).status).toBe(200);
  });

  it('seed 001: MARKETPLACE_AMAZON_TOKEN from the environment authenticates as marketplace-amazon', async () => {
    const ok = await tokenClient(server.url, 'marketplace-amazon-secret123').request('GET', '/api/system/info');
    expect(ok.status).toBe(200);
    const prefixOnly = await tokenClient(server.url, 'marketplace-amazon-anything').request('GET', '/api/system/info');
    expect(prefixOnly.status).toBe(401);
  });
});

describe('identity CLI', () => {
  const dataDir = freshDataDir('cli-identity-');
  let databaseUrl: string | undefined;
  const env = () => ({ NEXO_DATA_DIR: dataDir, LOG_LEVEL: 'warn', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) });

  afterAll(async () => {
    removeDataDir(dataDir);
    if (databaseUrl) await dropServerDatabase(databaseUrl);
  });

  it('orgs create, users create (stdin or one-time password), tokens create and revoke, then the server honours them', async () => {
    databaseUrl = await freshServerDatabase();
    expect((await runNexo(['orgs', 'create', '--slug', 'acme', '--name', 'Acme'], env())).stdout).toMatch(/created org acme/);
    expect((await runNexo(['orgs', 'create', '--slug', 'acme', '--name', 'Acme again'], env())).code).toBe(1);
    const ana = await runNexo(
      ['users', 'create', '--org', 'acme', '--email', 'ana@acme.test', '--role', 'owner'],
      env(),
      60_000,
      'picks a long passphrase 3\n',
    );
    expect(ana.code).toBe(0);
    const bob = await runNexo(['users', 'create', '--org', 'acme', '--email', 'bob@acme.test', '--role', 'viewer'], env());
    const oneTime = /one-time password: (\S+)/.exec(bob.stdout)?.[1];
    expect(oneTime).toBeTruthy();
    expect((await runNexo(['users', 'create', '--org', 'acme', '--email', 'x@acme.test', '--role', 'king'], env())).code).toBe(2);
    const token = await runNexo(['tokens', 'create', '--org', 'acme', '--kind', 'agent', '--agent', 'marketplace-shopee'], env());
    const secret = token.stdout.trim();
    expect(secret).toMatch(/^nexo_agt_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const revoked = await runNexo(['tokens', 'create', '--org', 'acme', '--kind', 'integration', '--scopes', 'system.read'], env());
    const revokedSecret = revoked.stdout.trim();
    expect((await runNexo(['tokens', 'revoke', revokedSecret.split('_')[2] as string], env())).stdout).toMatch(/revoked token/);

    const server = await startTestServer({ dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
    try {
      expect(server.output()).not.toContain('First start');
      const anaClient = await signIn(server.url, 'ana@acme.test', 'picks a long passphrase 3');
      expect((await anaClient.json<{ slug: string }>('GET', '/api/org')).body.slug).toBe('acme');
      const bobClient = await signIn(server.url, 'bob@acme.test', oneTime as string);
      const me = await bobClient.json<{ user: { mustChangePassword: boolean } }>('GET', '/api/auth/me');
      expect(me.body.user.mustChangePassword).toBe(true);
      expect((await bobClient.json('GET', '/api/members')).status).toBe(403);
      expect((await bobClient.json('POST', '/api/auth/password', { currentPassword: oneTime, newPassword: 'now has his own passphrase 4' })).status).toBe(204);
      expect((await bobClient.json('GET', '/api/members')).status).toBe(200);
      expect((await tokenClient(server.url, secret).request('GET', '/api/system/info')).status).toBe(200);
      expect((await tokenClient(server.url, revokedSecret).request('GET', '/api/system/info')).status).toBe(401);
    } finally {
      await server.stop();
    }
  });
});

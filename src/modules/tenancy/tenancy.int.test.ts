import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ctxFor, seedOrg, testKey } from '../../../test/helpers/ctx.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/helpers/database.ts';
import { silentLog } from '../../../test/helpers/template.ts';
import { createMailer } from '../../lib/mailer.ts';
import { totpCode } from '../../lib/totp.ts';
import {
  type AuthDeps,
  acceptInvitation,
  authenticateToken,
  changeMemberRole,
  changePassword,
  createToken,
  enableTwoFactor,
  inviteMember,
  listAudit,
  login,
  prepareEnvAgentTokens,
  previewInvitation,
  removeMember,
  resolveSession,
  revokeToken,
  startTwoFactorSetup,
} from './index.ts';

const deps: AuthDeps = { secretKey: testKey, session: { idleMs: 3_600_000, maxMs: 86_400_000 }, throttle: { maxFailures: 3, lockMs: 60_000 } };
const meta = (now = new Date()) => ({ ip: '203.0.113.9', userAgent: 'vitest', requestId: 'req-1', now });
const noMail = createMailer({ from: 'Nexo <n@x>', log: silentLog });

describe('tenancy services', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => t.close());

  it('audit log is append-only: UPDATE, DELETE and TRUNCATE are rejected by the database', async () => {
    const { org } = await seedOrg(t.database);
    const count = async () => (await t.database.execute<{ n: number }>('select count(*)::int as n from audit_log where org_id = $1', [org.id]))[0]?.n;
    const before = await count();
    expect(before).toBeGreaterThan(0);
    await expect(t.database.execute("update audit_log set action = 'forged' where org_id = $1", [org.id])).rejects.toThrow(/append-only/);
    await expect(t.database.execute('delete from audit_log where org_id = $1', [org.id])).rejects.toThrow(/append-only/);
    await expect(t.database.execute('truncate audit_log')).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
  });

  it('audit entries are filtered, newest first, cursor-paginated and scoped to the org', async () => {
    const a = await seedOrg(t.database, ['owner', 'viewer']);
    const b = await seedOrg(t.database, ['owner']);
    const owner = a.members.owner?.ctx;
    if (!owner) throw new Error('no owner');
    for (const name of ['t1', 't2', 't3']) await createToken(owner, { kind: 'integration', name, scopes: [] });
    const first = await listAudit(owner, { limit: 2, action: 'token.created' });
    expect(first.entries).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await listAudit(owner, { limit: 2, action: 'token.created', cursor: first.nextCursor as string });
    expect(second.entries).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const names = [...first.entries, ...second.entries].map((e) => (e.changes as { after: { name: string } }).after.name);
    expect(names).toEqual(['t3', 't2', 't1']);
    const byActor = await listAudit(owner, { limit: 50, actor: a.members.owner?.email });
    expect(byActor.entries.every((e) => e.actorLabel === a.members.owner?.email)).toBe(true);
    const other = await listAudit(ctxFor(t.database, b.org.id), { limit: 200 });
    expect(other.entries.some((e) => e.action === 'token.created')).toBe(false);
  });

  it('login: same error for unknown e-mail and wrong password; a session resolves; throttling locks after repeated failures', async () => {
    const { members } = await seedOrg(t.database, ['admin']);
    const admin = members.admin;
    if (!admin) throw new Error('no admin');
    const wrong = await login(t.database.db, deps, { email: admin.email, password: 'not the right password' }, meta()).catch((e) => e);
    const unknown = await login(t.database.db, deps, { email: 'nobody@example.test', password: 'whatever whatever' }, meta()).catch((e) => e);
    expect(wrong.code).toBe('UNAUTHORIZED');
    expect(unknown.code).toBe('UNAUTHORIZED');
    expect(wrong.message).toBe(unknown.message);

    const ok = await login(t.database.db, deps, { email: admin.email.toUpperCase(), password: admin.password }, meta());
    if (ok.status !== 'ok') throw new Error('expected a session');
    const resolved = await resolveSession(t.database.db, deps, ok.token, new Date());
    expect(resolved?.user.id).toBe(admin.id);
    expect(await resolveSession(t.database.db, deps, `${ok.token}x`, new Date())).toBeNull();
    expect(await resolveSession(t.database.db, deps, ok.token, new Date(Date.now() + 2 * 86_400_000))).toBeNull();

    for (let i = 0; i < 3; i++) await login(t.database.db, deps, { email: admin.email, password: `wrong ${i} wrong wrong` }, meta()).catch(() => undefined);
    const locked = await login(t.database.db, deps, { email: admin.email, password: admin.password }, meta()).catch((e) => e);
    expect(locked.code).toBe('RATE_LIMITED');
    expect(locked.details.retryAfterSeconds).toBeGreaterThan(0);
    const later = await login(t.database.db, deps, { email: admin.email, password: admin.password }, meta(new Date(Date.now() + 61_000)));
    expect(later.status).toBe('ok');
  });

  it('changing the password signs out the other sessions and enforces the policy', async () => {
    const { members } = await seedOrg(t.database, ['operator']);
    const op = members.operator;
    if (!op) throw new Error('no operator');
    const s1 = await login(t.database.db, deps, { email: op.email, password: op.password }, meta());
    const s2 = await login(t.database.db, deps, { email: op.email, password: op.password }, meta());
    if (s1.status !== 'ok' || s2.status !== 'ok') throw new Error('expected sessions');
    await expect(changePassword(op.ctx, op.id, s1.sessionId, { currentPassword: op.password, newPassword: 'short' }, deps.throttle)).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(
      changePassword(op.ctx, op.id, s1.sessionId, { currentPassword: 'wrong one entirely', newPassword: 'a brand new passphrase' }, deps.throttle),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await changePassword(op.ctx, op.id, s1.sessionId, { currentPassword: op.password, newPassword: 'a brand new passphrase' }, deps.throttle);
    expect(await resolveSession(t.database.db, deps, s1.token, new Date())).not.toBeNull();
    expect(await resolveSession(t.database.db, deps, s2.token, new Date())).toBeNull();
  });

  it('two-factor: login needs the code, a code is accepted once, recovery codes are single use', async () => {
    const { members } = await seedOrg(t.database, ['owner']);
    const owner = members.owner;
    if (!owner) throw new Error('no owner');
    const now = Date.now();
    const setup = await startTwoFactorSetup(owner.ctx, testKey, owner.id);
    expect(setup.otpauthUri).toContain('otpauth://totp/Nexo:');
    expect(setup.qrSvg).toContain('<svg');
    const recovery = await enableTwoFactor(owner.ctx, testKey, owner.id, totpCode(setup.secret, now - 30_000));
    expect(recovery).toHaveLength(10);

    const creds = { email: owner.email, password: owner.password };
    expect((await login(t.database.db, deps, creds, meta())).status).toBe('two_factor_required');
    const replayed = await login(t.database.db, deps, { ...creds, totpCode: totpCode(setup.secret, now - 30_000) }, meta()).catch((e) => e);
    expect(replayed.code).toBe('UNAUTHORIZED');
    const code = totpCode(setup.secret, now);
    expect((await login(t.database.db, deps, { ...creds, totpCode: code }, meta())).status).toBe('ok');
    expect((await login(t.database.db, deps, { ...creds, totpCode: code }, meta()).catch((e) => e)).code).toBe('UNAUTHORIZED');
    const [firstCode] = recovery;
    expect((await login(t.database.db, deps, { ...creds, recoveryCode: (firstCode as string).toUpperCase() }, meta())).status).toBe('ok');
    expect((await login(t.database.db, deps, { ...creds, recoveryCode: firstCode as string }, meta()).catch((e) => e)).code).toBe('UNAUTHORIZED');
    const stored = await t.database.execute<{ totp_secret_encrypted: string }>('select totp_secret_encrypted from users where id = $1', [owner.id]);
    expect(stored[0]?.totp_secret_encrypted).not.toContain(setup.secret);
  });

  it('invitations: single use, new people set a password, existing users prove theirs', async () => {
    const a = await seedOrg(t.database, ['owner', 'admin']);
    const b = await seedOrg(t.database, ['viewer']);
    const owner = a.members.owner?.ctx;
    const admin = a.members.admin?.ctx;
    const outsider = b.members.viewer;
    if (!owner || !admin || !outsider) throw new Error('fixtures');
    await expect(inviteMember(admin, { email: 'x@example.test', role: 'owner' }, { baseUrl: 'http://n', mailer: noMail })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });

    const fresh = await inviteMember(owner, { email: 'New.Person@example.test', role: 'operator' }, { baseUrl: 'http://nexo.test/', mailer: noMail });
    expect(fresh.emailed).toBe(false);
    expect(fresh.inviteUrl).toMatch(/^http:\/\/nexo\.test\/invite\/[A-Za-z0-9_-]{43}$/);
    const token = fresh.inviteUrl.split('/').pop() as string;
    expect(await previewInvitation(t.database.db, token, new Date())).toMatchObject({
      email: 'new.person@example.test',
      role: 'operator',
      existingUser: false,
    });
    await expect(acceptInvitation(t.database.db, { token, password: 'short' }, meta(), deps.throttle)).rejects.toMatchObject({ code: 'VALIDATION' });
    const joined = await acceptInvitation(t.database.db, { token, name: 'New', password: 'a fine long passphrase' }, meta(), deps.throttle);
    expect(joined.orgId).toBe(a.org.id);
    await expect(acceptInvitation(t.database.db, { token, password: 'a fine long passphrase' }, meta(), deps.throttle)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });

    const existing = await inviteMember(owner, { email: outsider.email, role: 'viewer' }, { baseUrl: 'http://n', mailer: noMail });
    const existingToken = existing.inviteUrl.split('/').pop() as string;
    await expect(acceptInvitation(t.database.db, { token: existingToken, password: 'not their password' }, meta(), deps.throttle)).rejects.toMatchObject({
      code: 'UNAUTHORIZED',
    });
    await acceptInvitation(t.database.db, { token: existingToken, password: outsider.password }, meta(), deps.throttle);

    const expired = await inviteMember(owner, { email: 'late@example.test', role: 'viewer' }, { baseUrl: 'http://n', mailer: noMail });
    const expiredToken = expired.inviteUrl.split('/').pop() as string;
    await expect(previewInvitation(t.database.db, expiredToken, new Date(Date.now() + 8 * 86_400_000))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('roles: admins cannot touch owners, the last owner stays', async () => {
    const { members } = await seedOrg(t.database, ['owner', 'admin', 'viewer']);
    const { owner, admin, viewer } = members;
    if (!owner || !admin || !viewer) throw new Error('fixtures');
    await expect(changeMemberRole(admin.ctx, viewer.id, 'owner')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(changeMemberRole(admin.ctx, owner.id, 'viewer')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(removeMember(admin.ctx, owner.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(changeMemberRole(owner.ctx, owner.id, 'admin')).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(removeMember(owner.ctx, owner.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await changeMemberRole(admin.ctx, viewer.id, 'operator')).toEqual({ userId: viewer.id, role: 'operator' });
    await removeMember(admin.ctx, viewer.id);
    await expect(changeMemberRole(owner.ctx, viewer.id, 'viewer')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('tokens: stored as a hash, checked by id and secret, revocable; env tokens bind to the default org', async () => {
    const { org, members } = await seedOrg(t.database, ['owner', 'operator']);
    const owner = members.owner?.ctx;
    const operator = members.operator?.ctx;
    if (!owner || !operator) throw new Error('fixtures');
    const { token, secret } = await createToken(owner, { kind: 'agent', name: 'amazon', agentId: 'marketplace-amazon', scopes: [] });
    expect(secret).toMatch(/^nexo_agt_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/);
    const rows = await t.database.db.execute(sql`select secret_hash from api_tokens where id = ${token.id}`);
    expect(JSON.stringify(rows)).not.toContain(secret.split('_').slice(3).join('_'));
    const authed = await authenticateToken(t.database.db, secret, [], new Date());
    expect(authed).toMatchObject({ orgId: org.id, actor: { type: 'token', agentId: 'marketplace-amazon' } });
    expect(await authenticateToken(t.database.db, `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`, [], new Date())).toBeNull();
    expect(await authenticateToken(t.database.db, secret.replace('nexo_agt_', 'nexo_int_'), [], new Date())).toBeNull();
    await revokeToken(owner, token.id);
    expect(await authenticateToken(t.database.db, secret, [], new Date())).toBeNull();
    await expect(revokeToken(owner, token.id)).rejects.toMatchObject({ code: 'CONFLICT' });

    await expect(createToken(operator, { kind: 'integration', name: 'x', scopes: ['audit.read'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(createToken(owner, { kind: 'integration', name: 'x', scopes: ['members.manage'] })).rejects.toMatchObject({ code: 'VALIDATION' });
    const expiring = await createToken(owner, { kind: 'integration', name: 'short-lived', scopes: ['system.read'], expiresInDays: 1 });
    expect(await authenticateToken(t.database.db, expiring.secret, [], new Date(Date.now() + 2 * 86_400_000))).toBeNull();

    const env = await prepareEnvAgentTokens(
      t.database.db,
      [{ variable: 'MARKETPLACE_SHOPEE_TOKEN', agentId: 'marketplace-shopee', token: 'marketplace-shopee-secret456' }],
      org.slug,
    );
    expect(await authenticateToken(t.database.db, 'marketplace-shopee-secret456', env, new Date())).toMatchObject({
      orgId: org.id,
      actor: { agentId: 'marketplace-shopee' },
    });
    expect(await authenticateToken(t.database.db, 'marketplace-shopee-secret457', env, new Date())).toBeNull();
  });
});

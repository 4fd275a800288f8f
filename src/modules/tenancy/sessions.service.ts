import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Role } from '../../contracts/permissions.ts';
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notifyRevocation } from '../../events/revocations.ts';
import { constantTimeEqual, hmacSha256, randomToken, sha256Hex } from '../../lib/crypto.ts';
import { notFound } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { verifyAgainstDummy, verifyPassword } from '../../lib/passwords.ts';
import { recordAudit } from './audit.service.ts';
import { membershipsOf, roleIn } from './orgs.service.ts';
import { invalidCredentials } from './tenancy.errors.ts';
import { authThrottle, orgs, sessions } from './tenancy.tables.ts';
import { assertNotThrottled, clearLoginFailures, recordLoginFailure, type ThrottlePolicy } from './throttle.service.ts';
import { verifySecondFactor } from './two-factor.service.ts';
import { findUserByEmail, findUserById, type UserRow } from './users.service.ts';

export interface SessionPolicy {
  idleMs: number;
  maxMs: number;
}

export interface AuthDeps {
  secretKey: Buffer;
  throttle: ThrottlePolicy;
  session: SessionPolicy;
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  now: Date;
}

export interface LoginInput {
  email: string;
  password: string;
  totpCode?: string | undefined;
  recoveryCode?: string | undefined;
}

export type LoginResult =
  | { status: 'two_factor_required' }
  | { status: 'ok'; token: string; csrfToken: string; sessionId: string; user: UserRow; orgId: string };

/** The CSRF token is bound to the session: an HMAC of its secret, so nothing extra is stored. */
export const csrfTokenFor = (secretKey: Buffer, sessionToken: string) => hmacSha256(secretKey, `csrf:${sessionToken}`).toString('base64url');
export const csrfMatches = (secretKey: Buffer, sessionToken: string, presented: string) => constantTimeEqual(csrfTokenFor(secretKey, sessionToken), presented);

const userActor = (user: UserRow, role: Role): Actor => ({
  type: 'user',
  userId: user.id,
  label: user.email,
  role,
});

/**
 * Password (+ second factor) to a fresh session. Every failure looks the same to the caller and takes
 * the same time whether or not the account exists; repeated failures per account and per IP are locked out.
 */
export async function login(db: Db, deps: AuthDeps, input: LoginInput, meta: RequestMeta): Promise<LoginResult> {
  const email = input.email.trim().toLowerCase();
  await assertNotThrottled(db, email, meta.ip, meta.now);
  const fail = async (): Promise<never> => {
    await recordLoginFailure(db, email, meta.ip, meta.now, deps.throttle);
    throw invalidCredentials();
  };

  const user = await findUserByEmail(db, email);
  if (!user) {
    await verifyAgainstDummy(input.password);
    return fail();
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) return fail();
  const memberships = await membershipsOf(db, user.id);
  const first = memberships[0];
  if (!first) return fail();

  if (user.totpEnabledAt) {
    if (!input.totpCode && !input.recoveryCode) return { status: 'two_factor_required' };
    const ok = await verifySecondFactor(db, deps.secretKey, user, { totpCode: input.totpCode, recoveryCode: input.recoveryCode }, meta.now);
    if (!ok) {
      await recordLoginFailure(db, email, meta.ip, meta.now, deps.throttle);
      throw invalidCredentials();
    }
  }
  await clearLoginFailures(db, email);

  const created = await createSession(db, deps, user, first.org.id, first.role, meta, { action: 'auth.login', twoFactor: user.totpEnabledAt !== null });
  return { status: 'ok', ...created, user, orgId: first.org.id };
}

/** A new random session (never one the client proposed: no fixation) plus its CSRF token. */
export async function createSession(
  db: Db,
  deps: AuthDeps,
  user: UserRow,
  orgId: string,
  role: Role,
  meta: RequestMeta,
  audit: { action: string; twoFactor?: boolean },
): Promise<{ token: string; csrfToken: string; sessionId: string }> {
  const token = randomToken(32);
  const sessionId = uuidv7(meta.now.getTime());
  await withTransaction(db, async (tx) => {
    await tx.insert(sessions).values({
      id: sessionId,
      tokenHash: sha256Hex(token),
      userId: user.id,
      orgId,
      createdAt: meta.now,
      lastSeenAt: meta.now,
      idleExpiresAt: new Date(meta.now.getTime() + deps.session.idleMs),
      absoluteExpiresAt: new Date(meta.now.getTime() + deps.session.maxMs),
      ip: meta.ip,
      userAgent: meta.userAgent?.slice(0, 400) ?? null,
    });
    await recordAudit(
      tx,
      { orgId, actor: userActor(user, role), requestId: meta.requestId, ip: meta.ip, now: meta.now },
      { action: audit.action, resourceType: 'session', resourceId: sessionId, after: audit.twoFactor === undefined ? null : { twoFactor: audit.twoFactor } },
    );
  });
  return { token, csrfToken: csrfTokenFor(deps.secretKey, token), sessionId };
}

export interface ResolvedSession {
  sessionId: string;
  user: UserRow;
  orgId: string;
  orgSettings: { requireTwoFactorForAdmins: boolean };
  role: Role;
}

/** A live session for the cookie value, or null (unknown, revoked, expired, or no longer a member). */
export async function resolveSession(db: Db, deps: AuthDeps, token: string, now: Date): Promise<ResolvedSession | null> {
  const [row] = await db
    .select()
    .from(sessions)
    .innerJoin(orgs, eq(orgs.id, sessions.orgId))
    .where(
      and(
        eq(sessions.tokenHash, sha256Hex(token)),
        isNull(sessions.revokedAt),
        gt(sessions.idleExpiresAt, now),
        gt(sessions.absoluteExpiresAt, now),
        isNull(orgs.deletedAt),
      ),
    );
  if (!row) return null;
  const session = row.sessions;
  const [user, role] = await Promise.all([findUserById(db, session.userId), roleIn(db, session.orgId, session.userId)]);
  if (!user || !role) return null;
  // Sliding idle expiry, written at most once a minute per session.
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    const idle = new Date(Math.min(now.getTime() + deps.session.idleMs, session.absoluteExpiresAt.getTime()));
    await db.update(sessions).set({ lastSeenAt: now, idleExpiresAt: idle }).where(eq(sessions.id, session.id));
  }
  const orgSettings = { requireTwoFactorForAdmins: row.orgs.settings?.requireTwoFactorForAdmins === true };
  return { sessionId: session.id, user, orgId: session.orgId, orgSettings, role };
}

export async function revokeSession(db: Db, sessionId: string, now: Date): Promise<void> {
  await withTransaction(db, async (tx) => {
    await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.id, sessionId), isNull(sessions.revokedAt)));
    await notifyRevocation(tx, { sessionIds: [sessionId] });
  });
}

/** "Log out everywhere": every session of the user, in every org. */
export async function revokeAllSessions(db: Db, userId: string, now: Date): Promise<number> {
  return withTransaction(db, async (tx) => {
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
      .returning({ id: sessions.id });
    await notifyRevocation(tx, { sessionIds: rows.map((r) => r.id) });
    return rows.length;
  });
}

/** Moves the session to another org the user belongs to (404 otherwise: no hint the org exists). */
export async function switchSessionOrg(db: Db, sessionId: string, userId: string, orgId: string): Promise<void> {
  if (!(await roleIn(db, orgId, userId))) throw notFound('Org');
  await db.update(sessions).set({ orgId }).where(eq(sessions.id, sessionId));
}

export async function pruneExpiredSessions(db: Db, now: Date): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(
      sql`${sessions.absoluteExpiresAt} < ${now.toISOString()}::timestamptz or ${sessions.revokedAt} < ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz`,
    )
    .returning({ id: sessions.id });
  await db
    .delete(authThrottle)
    .where(sql`coalesce(${authThrottle.lockedUntil}, ${authThrottle.windowStartedAt}) < ${new Date(now.getTime() - 86_400_000).toISOString()}::timestamptz`);
  return rows.length;
}

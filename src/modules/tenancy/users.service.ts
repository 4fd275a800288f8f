import { and, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Me } from '../../contracts/identity.ts';
import { type Permission, permissionsOfRole, type Role } from '../../contracts/permissions.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notifyRevocation } from '../../events/revocations.ts';
import { AppError, conflict, notFound, validation } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { hashPassword, passwordProblems, verifyPassword } from '../../lib/passwords.ts';
import { type AuditScope, recordAudit } from './audit.service.ts';
import { membershipsOf, toOrg } from './orgs.service.ts';
import { orgMembers, sessions, users } from './tenancy.tables.ts';
import { assertNotThrottled, recordLoginFailure, type ThrottlePolicy } from './throttle.service.ts';

export type UserRow = typeof users.$inferSelect;

export async function findUserByEmail(db: DbOrTx, email: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
  return row ?? null;
}

export async function findUserById(db: DbOrTx, id: string): Promise<UserRow | null> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

export function assertPasswordPolicy(password: string, email: string): void {
  const problems = passwordProblems(password, { email });
  if (problems.length > 0) throw validation(`Password not accepted: ${problems.join('; ')}`, { problems });
}

export interface NewMember {
  email: string;
  name: string;
  password: string;
  role: Role;
  orgId: string;
  mustChangePassword: boolean;
}

/** Creates a user and its membership (409 if the e-mail is taken). */
export async function createUserWithMembership(db: DbOrTx, audit: AuditScope, input: NewMember): Promise<UserRow> {
  const email = input.email.trim().toLowerCase();
  if (await findUserByEmail(db, email)) throw conflict(`A user with e-mail ${email} already exists`);
  assertPasswordPolicy(input.password, email);
  const id = uuidv7(audit.now.getTime());
  const [user] = await db
    .insert(users)
    .values({
      id,
      email,
      name: input.name,
      passwordHash: await hashPassword(input.password),
      mustChangePassword: input.mustChangePassword,
      createdAt: audit.now,
      updatedAt: audit.now,
    })
    .returning();
  if (!user) throw new Error('user insert returned nothing');
  await db.insert(orgMembers).values({ orgId: input.orgId, userId: id, role: input.role, createdAt: audit.now });
  await recordAudit(db, audit, { action: 'user.created', resourceType: 'user', resourceId: id, after: { email, name: input.name } });
  await recordAudit(db, audit, { action: 'member.added', resourceType: 'member', resourceId: id, after: { email, role: input.role } });
  return user;
}

/** Adds an existing user to another org (409 when already a member). */
export async function addMembership(db: DbOrTx, audit: AuditScope, userId: string, role: Role): Promise<void> {
  const inserted = await db
    .insert(orgMembers)
    .values({ orgId: audit.orgId, userId, role, createdAt: audit.now })
    .onConflictDoNothing()
    .returning({ userId: orgMembers.userId });
  if (inserted.length === 0) throw conflict('That user is already a member of this org');
  await recordAudit(db, audit, { action: 'member.added', resourceType: 'member', resourceId: userId, after: { role } });
}

/** Verifies the current password, applies the policy, and signs out the user's other sessions. */
export async function changePassword(
  ctx: Ctx,
  userId: string,
  currentSessionId: string | null,
  input: { currentPassword: string; newPassword: string },
  throttle: ThrottlePolicy,
): Promise<void> {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw notFound('User');
  await assertNotThrottled(ctx.db, user.email, ctx.ip, ctx.now);
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    await recordLoginFailure(ctx.db, user.email, ctx.ip, ctx.now, throttle);
    throw new AppError('VALIDATION', 'The current password is not correct', { field: 'currentPassword' });
  }
  if (input.newPassword === input.currentPassword) throw validation('The new password must differ from the current one');
  assertPasswordPolicy(input.newPassword, user.email);
  const passwordHash = await hashPassword(input.newPassword);
  await withTransaction(ctx.db, async (tx) => {
    await tx.update(users).set({ passwordHash, mustChangePassword: false, updatedAt: ctx.now }).where(eq(users.id, userId));
    const ended = await tx
      .update(sessions)
      .set({ revokedAt: ctx.now })
      .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), currentSessionId ? ne(sessions.id, currentSessionId) : undefined))
      .returning({ id: sessions.id });
    await notifyRevocation(tx, { sessionIds: ended.map((r) => r.id) });
    await recordAudit(tx, ctx, { action: 'user.password_changed', resourceType: 'user', resourceId: userId });
  });
}

export const twoFactorRequiredFor = (role: Role, settings: { requireTwoFactorForAdmins: boolean }) =>
  settings.requireTwoFactorForAdmins && (role === 'owner' || role === 'admin');

/**
 * What a signed-in person may do right now: their role's permissions, or nothing but the
 * account pages while a password change or a required two-factor enrolment is pending.
 */
export function effectivePermissions(user: UserRow, role: Role, settings: { requireTwoFactorForAdmins: boolean }): Permission[] {
  if (user.mustChangePassword) return [];
  if (twoFactorRequiredFor(role, settings) && !user.totpEnabledAt) return [];
  return permissionsOfRole(role);
}

export async function buildMe(db: DbOrTx, user: UserRow, orgId: string): Promise<Me> {
  const memberships = await membershipsOf(db, user.id);
  const current = memberships.find((m) => m.org.id === orgId);
  if (!current) throw notFound('Membership');
  const org = toOrg(current.org);
  return {
    user: { id: user.id, email: user.email, name: user.name, mustChangePassword: user.mustChangePassword, twoFactorEnabled: user.totpEnabledAt !== null },
    org: { id: org.id, slug: org.slug, name: org.name, role: current.role },
    role: current.role,
    permissions: effectivePermissions(user, current.role, org.settings),
    orgs: memberships.map((m) => ({ id: m.org.id, slug: m.org.slug, name: m.org.name, role: m.role })),
    twoFactorSetupRequired: twoFactorRequiredFor(current.role, org.settings) && user.totpEnabledAt === null,
  };
}

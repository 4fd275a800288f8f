import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import { canAssignRole, type Role } from '../../contracts/permissions.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notifyRevocation } from '../../events/revocations.ts';
import { conflict, notFound } from '../../lib/errors.ts';
import { recordAudit } from './audit.service.ts';
import { forbidden } from './tenancy.errors.ts';
import { orgMembers, sessions, users } from './tenancy.tables.ts';

const actorRole = (ctx: Ctx): Role => (ctx.actor.type === 'user' ? ctx.actor.role : ctx.actor.type === 'token' ? (ctx.actor.role ?? 'viewer') : 'owner');

export async function listMembers(ctx: Ctx) {
  const rows = await ctx.db
    .select({
      userId: users.id,
      email: users.email,
      name: users.name,
      role: orgMembers.role,
      totpEnabledAt: users.totpEnabledAt,
      joinedAt: orgMembers.createdAt,
    })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(eq(orgMembers.orgId, ctx.orgId))
    .orderBy(asc(orgMembers.createdAt));
  return rows.map((r) => ({
    userId: r.userId,
    email: r.email,
    name: r.name,
    role: r.role,
    twoFactorEnabled: r.totpEnabledAt !== null,
    joinedAt: r.joinedAt.toISOString(),
  }));
}

async function lockedMember(tx: DbOrTx, orgId: string, userId: string) {
  const [row] = await tx
    .select({ role: orgMembers.role, email: users.email })
    .from(orgMembers)
    .innerJoin(users, eq(users.id, orgMembers.userId))
    .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId)))
    .for('update');
  return row ?? null;
}

async function ownerCount(tx: DbOrTx, orgId: string): Promise<number> {
  const [row] = await tx
    .select({ n: count() })
    .from(orgMembers)
    .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.role, 'owner')));
  return row?.n ?? 0;
}

/** Owners change anyone's role; admins never touch owners nor make owners; an org always keeps an owner. */
export async function changeMemberRole(ctx: Ctx, userId: string, role: Role) {
  return withTransaction(ctx.db, async (tx) => {
    const member = await lockedMember(tx, ctx.orgId, userId);
    if (!member) throw notFound('Member');
    if (!canAssignRole(actorRole(ctx), member.role, role)) throw forbidden('Admins cannot change an owner, nor make anyone an owner');
    if (member.role === role) return { userId, role };
    if (member.role === 'owner' && (await ownerCount(tx, ctx.orgId)) <= 1) throw conflict('The last owner cannot be demoted: make someone else owner first');
    await tx
      .update(orgMembers)
      .set({ role })
      .where(and(eq(orgMembers.orgId, ctx.orgId), eq(orgMembers.userId, userId)));
    await recordAudit(tx, ctx, { action: 'member.role_changed', resourceType: 'member', resourceId: userId, before: { role: member.role }, after: { role } });
    return { userId, role };
  });
}

/** Removes a member (or lets a member leave) and ends their sessions in this org. */
export async function removeMember(ctx: Ctx, userId: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const member = await lockedMember(tx, ctx.orgId, userId);
    if (!member) throw notFound('Member');
    const self = ctx.actor.type === 'user' && ctx.actor.userId === userId;
    if (!self && !canAssignRole(actorRole(ctx), member.role, null)) throw forbidden('Admins cannot remove an owner');
    if (member.role === 'owner' && (await ownerCount(tx, ctx.orgId)) <= 1)
      throw conflict('The last owner cannot leave or be removed: make someone else owner first');
    await tx.delete(orgMembers).where(and(eq(orgMembers.orgId, ctx.orgId), eq(orgMembers.userId, userId)));
    await tx
      .update(sessions)
      .set({ revokedAt: ctx.now })
      .where(and(eq(sessions.userId, userId), eq(sessions.orgId, ctx.orgId), isNull(sessions.revokedAt)));
    await notifyRevocation(tx, { member: { userId, orgId: ctx.orgId } });
    await recordAudit(tx, ctx, { action: 'member.removed', resourceType: 'member', resourceId: userId, before: { email: member.email, role: member.role } });
  });
}

/** User ids of the org's members holding one of these roles (e.g. the approvers to notify). */
export async function memberIdsWithRoles(db: DbOrTx, orgId: string, rolesWanted: Role[]): Promise<string[]> {
  const rows = await db
    .select({ userId: orgMembers.userId })
    .from(orgMembers)
    .where(and(eq(orgMembers.orgId, orgId), inArray(orgMembers.role, rolesWanted)));
  return rows.map((r) => r.userId);
}

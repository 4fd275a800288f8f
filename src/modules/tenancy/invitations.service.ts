import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { canAssignRole, type Role } from '../../contracts/permissions.ts';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { randomToken, sha256Hex } from '../../lib/crypto.ts';
import { AppError, conflict, notFound } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { Mailer } from '../../lib/mailer.ts';
import { hashPassword, verifyPassword } from '../../lib/passwords.ts';
import { recordAudit } from './audit.service.ts';
import { forbidden } from './tenancy.errors.ts';
import { invitations, orgMembers, orgs, users } from './tenancy.tables.ts';
import { assertNotThrottled, clearLoginFailures, recordLoginFailure, type ThrottlePolicy } from './throttle.service.ts';
import { assertPasswordPolicy, findUserByEmail } from './users.service.ts';

export const INVITATION_TTL_MS = 7 * 86_400_000;

/** The CLI acts as the system (full powers); a token never manages members. */
const actorRole = (ctx: Ctx): Role => (ctx.actor.type === 'user' ? ctx.actor.role : ctx.actor.type === 'system' ? 'owner' : 'viewer');

type InvitationRow = typeof invitations.$inferSelect;
const toInvitation = (row: InvitationRow) => ({
  id: row.id,
  email: row.email,
  role: row.role,
  invitedBy: row.invitedBy,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt.toISOString(),
});

export async function listPendingInvitations(ctx: Ctx) {
  const rows = await ctx.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.orgId, ctx.orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, ctx.now)))
    .orderBy(desc(invitations.createdAt));
  return rows.map(toInvitation);
}

/** A single-use link valid 7 days; e-mailed when SMTP is configured, always returned to the inviter. */
export async function inviteMember(ctx: Ctx, input: { email: string; role: Role }, deps: { baseUrl: string; mailer: Mailer }) {
  if (!canAssignRole(actorRole(ctx), null, input.role)) throw forbidden('Admins cannot invite owners');
  const email = input.email.trim().toLowerCase();
  const existing = await findUserByEmail(ctx.db, email);
  if (existing) {
    const [member] = await ctx.db
      .select()
      .from(orgMembers)
      .where(and(eq(orgMembers.orgId, ctx.orgId), eq(orgMembers.userId, existing.id)));
    if (member) throw conflict(`${email} is already a member of this org`);
  }
  const token = randomToken(32);
  const row = await withTransaction(ctx.db, async (tx) => {
    await tx
      .update(invitations)
      .set({ revokedAt: ctx.now })
      .where(and(eq(invitations.orgId, ctx.orgId), eq(invitations.email, email), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    const [created] = await tx
      .insert(invitations)
      .values({
        id: uuidv7(ctx.now.getTime()),
        orgId: ctx.orgId,
        email,
        role: input.role,
        tokenHash: sha256Hex(token),
        invitedBy: ctx.actor.type === 'user' ? ctx.actor.userId : null,
        createdAt: ctx.now,
        expiresAt: new Date(ctx.now.getTime() + INVITATION_TTL_MS),
      })
      .returning();
    if (!created) throw new Error('invitation insert returned nothing');
    await recordAudit(tx, ctx, { action: 'member.invited', resourceType: 'invitation', resourceId: created.id, after: { email, role: input.role } });
    return created;
  });
  const inviteUrl = `${deps.baseUrl.replace(/\/$/, '')}/invite/${token}`;
  let emailed = false;
  if (deps.mailer.configured) {
    const [org] = await ctx.db.select({ name: orgs.name }).from(orgs).where(eq(orgs.id, ctx.orgId));
    try {
      await deps.mailer.send({
        to: email,
        subject: `You are invited to ${org?.name ?? 'an org'} on Nexo`,
        text: `${ctx.actor.label} invited you to join ${org?.name ?? 'their org'} on Nexo as ${input.role}.\n\nAccept the invitation (valid for 7 days, single use):\n${inviteUrl}\n`,
      });
      emailed = true;
    } catch (error) {
      ctx.log.warn({ err: error, invitationId: row.id }, 'invitation e-mail could not be sent; the link is shown to the inviter');
    }
  }
  return { invitation: toInvitation(row), inviteUrl, emailed };
}

export async function revokeInvitation(ctx: Ctx, id: string): Promise<void> {
  await withTransaction(ctx.db, async (tx) => {
    const [pending] = await tx
      .select({ role: invitations.role })
      .from(invitations)
      .where(and(eq(invitations.id, id), eq(invitations.orgId, ctx.orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)));
    if (!pending) throw notFound('Invitation');
    if (!canAssignRole(actorRole(ctx), null, pending.role)) throw forbidden('Admins cannot revoke an invitation to become owner');
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: ctx.now })
      .where(and(eq(invitations.id, id), eq(invitations.orgId, ctx.orgId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!row) throw notFound('Invitation');
    await recordAudit(tx, ctx, {
      action: 'member.invitation_revoked',
      resourceType: 'invitation',
      resourceId: id,
      before: { email: row.email, role: row.role },
    });
  });
}

async function liveInvitation(db: Db, token: string, now: Date) {
  const [row] = await db
    .select({ invitation: invitations, orgName: orgs.name })
    .from(invitations)
    .innerJoin(orgs, eq(orgs.id, invitations.orgId))
    .where(
      and(
        eq(invitations.tokenHash, sha256Hex(token)),
        isNull(invitations.acceptedAt),
        isNull(invitations.revokedAt),
        gt(invitations.expiresAt, now),
        isNull(orgs.deletedAt),
      ),
    );
  return row ?? null;
}

const invalidInvitation = () => notFound('Invitation (it may have expired, been used or been revoked)');

export async function previewInvitation(db: Db, token: string, now: Date) {
  const row = await liveInvitation(db, token, now);
  if (!row) throw invalidInvitation();
  const existing = await findUserByEmail(db, row.invitation.email);
  return {
    orgName: row.orgName,
    email: row.invitation.email,
    role: row.invitation.role,
    expiresAt: row.invitation.expiresAt.toISOString(),
    existingUser: existing !== null,
  };
}

/**
 * Accepts once: a new person sets their password; an existing user proves theirs. Returns the user
 * and org so the caller can open a session.
 */
export async function acceptInvitation(
  db: Db,
  input: { token: string; name?: string | undefined; password: string },
  meta: { now: Date; requestId: string | null; ip: string | null },
  throttle: ThrottlePolicy,
) {
  const found = await liveInvitation(db, input.token, meta.now);
  if (!found) throw invalidInvitation();
  const { invitation } = found;
  const existing = await findUserByEmail(db, invitation.email);
  if (existing) {
    // Proving an existing account's password here is a sign-in: same throttling, same lock-out.
    await assertNotThrottled(db, invitation.email, meta.ip, meta.now);
    if (!(await verifyPassword(existing.passwordHash, input.password))) {
      await recordLoginFailure(db, invitation.email, meta.ip, meta.now, throttle);
      throw new AppError('UNAUTHORIZED', 'This e-mail already has a Nexo account: enter its password to join');
    }
    await clearLoginFailures(db, invitation.email);
  }
  if (!existing) assertPasswordPolicy(input.password, invitation.email);
  const passwordHash = existing ? null : await hashPassword(input.password);
  return withTransaction(db, async (tx) => {
    const [claimed] = await tx
      .update(invitations)
      .set({ acceptedAt: meta.now })
      .where(and(eq(invitations.id, invitation.id), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!claimed) throw invalidInvitation();
    let userId = existing?.id;
    if (!userId) {
      userId = uuidv7(meta.now.getTime());
      await tx.insert(users).values({
        id: userId,
        email: invitation.email,
        name: input.name?.trim() || invitation.email.split('@')[0] || invitation.email,
        passwordHash: passwordHash as string,
        createdAt: meta.now,
        updatedAt: meta.now,
      });
    }
    await tx.insert(orgMembers).values({ orgId: invitation.orgId, userId, role: invitation.role, createdAt: meta.now }).onConflictDoNothing();
    await recordAudit(
      tx,
      {
        orgId: invitation.orgId,
        actor: { type: 'user', userId, label: invitation.email, role: invitation.role },
        requestId: meta.requestId,
        ip: meta.ip,
        now: meta.now,
      },
      {
        action: 'member.joined',
        resourceType: 'member',
        resourceId: userId,
        after: { email: invitation.email, role: invitation.role, invitationId: invitation.id },
      },
    );
    return { userId, orgId: invitation.orgId };
  });
}

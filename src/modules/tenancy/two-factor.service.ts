import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { decryptSecret, encryptSecret } from '../../lib/crypto.ts';
import { AppError, conflict } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { verifyPassword } from '../../lib/passwords.ts';
import { generateRecoveryCodes, generateTotpSecret, hashRecoveryCode, otpauthQrSvg, otpauthUri, verifyTotp } from '../../lib/totp.ts';
import { recordAudit } from './audit.service.ts';
import { invalidTwoFactor } from './tenancy.errors.ts';
import { recoveryCodes, users } from './tenancy.tables.ts';
import { findUserById, type UserRow } from './users.service.ts';

/** The TOTP secret is sealed with the user id as associated data: it cannot be moved to another row. */
const aadFor = (userId: string) => `user:${userId}:totp`;

/**
 * Accepts a TOTP code once (its counter must be newer than the last accepted one: no replay)
 * or an unused recovery code (spent atomically).
 */
export async function verifySecondFactor(
  db: DbOrTx,
  secretKey: Buffer,
  user: UserRow,
  input: { totpCode?: string | undefined; recoveryCode?: string | undefined },
  now: Date,
): Promise<boolean> {
  if (!user.totpSecretEncrypted) return false;
  if (input.totpCode) {
    const secret = decryptSecret(secretKey, user.totpSecretEncrypted, aadFor(user.id));
    const result = verifyTotp(secret, input.totpCode, now.getTime());
    if (!result.ok) return false;
    const updated = await db
      .update(users)
      .set({ totpLastCounter: result.counter })
      .where(and(eq(users.id, user.id), or(isNull(users.totpLastCounter), lt(users.totpLastCounter, result.counter))))
      .returning({ id: users.id });
    return updated.length === 1;
  }
  if (input.recoveryCode) {
    const spent = await db
      .update(recoveryCodes)
      .set({ usedAt: now })
      .where(and(eq(recoveryCodes.userId, user.id), eq(recoveryCodes.codeHash, hashRecoveryCode(input.recoveryCode)), isNull(recoveryCodes.usedAt)))
      .returning({ id: recoveryCodes.id });
    return spent.length === 1;
  }
  return false;
}

/** Step 1: a new secret (not active until confirmed with a code from the app). */
export async function startTwoFactorSetup(ctx: Ctx, secretKey: Buffer, userId: string) {
  const user = await findUserById(ctx.db, userId);
  if (!user) throw new AppError('NOT_FOUND', 'User not found');
  if (user.totpEnabledAt) throw conflict('Two-factor authentication is already enabled; disable it first to enrol a new device');
  const secret = generateTotpSecret();
  await ctx.db
    .update(users)
    .set({ totpSecretEncrypted: encryptSecret(secretKey, secret, aadFor(userId)), totpLastCounter: null, updatedAt: ctx.now })
    .where(eq(users.id, userId));
  const uri = otpauthUri({ secret, accountName: user.email, issuer: 'Nexo' });
  return { secret, otpauthUri: uri, qrSvg: await otpauthQrSvg(uri) };
}

async function replaceRecoveryCodes(db: DbOrTx, userId: string, now: Date): Promise<string[]> {
  const codes = generateRecoveryCodes(10);
  await db.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await db.insert(recoveryCodes).values(codes.map((code) => ({ id: uuidv7(now.getTime()), userId, codeHash: hashRecoveryCode(code), createdAt: now })));
  return codes;
}

/** Step 2: the first valid code turns two-factor on and yields single-use recovery codes (shown once). */
export async function enableTwoFactor(ctx: Ctx, secretKey: Buffer, userId: string, code: string): Promise<string[]> {
  const user = await findUserById(ctx.db, userId);
  if (!user?.totpSecretEncrypted) throw conflict('Start the two-factor setup first');
  if (user.totpEnabledAt) throw conflict('Two-factor authentication is already enabled');
  if (!(await verifySecondFactor(ctx.db, secretKey, user, { totpCode: code }, ctx.now)))
    throw new AppError('VALIDATION', 'That code is not valid; check the time on your phone and try the current code');
  return withTransaction(ctx.db, async (tx) => {
    await tx.update(users).set({ totpEnabledAt: ctx.now, updatedAt: ctx.now }).where(eq(users.id, userId));
    const codes = await replaceRecoveryCodes(tx, userId, ctx.now);
    await recordAudit(tx, ctx, { action: 'user.two_factor_enabled', resourceType: 'user', resourceId: userId });
    return codes;
  });
}

export async function disableTwoFactor(ctx: Ctx, secretKey: Buffer, userId: string, input: { password: string; code: string }): Promise<void> {
  const user = await findUserById(ctx.db, userId);
  if (!user?.totpEnabledAt) throw conflict('Two-factor authentication is not enabled');
  if (!(await verifyPassword(user.passwordHash, input.password))) throw new AppError('VALIDATION', 'The password is not correct', { field: 'password' });
  if (!(await verifySecondFactor(ctx.db, secretKey, user, { totpCode: input.code }, ctx.now))) throw invalidTwoFactor();
  await withTransaction(ctx.db, async (tx) => {
    await tx.update(users).set({ totpEnabledAt: null, totpSecretEncrypted: null, totpLastCounter: null, updatedAt: ctx.now }).where(eq(users.id, userId));
    await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    await recordAudit(tx, ctx, { action: 'user.two_factor_disabled', resourceType: 'user', resourceId: userId });
  });
}

export async function regenerateRecoveryCodes(ctx: Ctx, secretKey: Buffer, userId: string, code: string): Promise<string[]> {
  const user = await findUserById(ctx.db, userId);
  if (!user?.totpEnabledAt) throw conflict('Two-factor authentication is not enabled');
  if (!(await verifySecondFactor(ctx.db, secretKey, user, { totpCode: code }, ctx.now))) throw invalidTwoFactor();
  return withTransaction(ctx.db, async (tx) => {
    const codes = await replaceRecoveryCodes(tx, userId, ctx.now);
    await recordAudit(tx, ctx, { action: 'user.recovery_codes_regenerated', resourceType: 'user', resourceId: userId });
    return codes;
  });
}

export const remainingRecoveryCodes = async (db: DbOrTx, userId: string) =>
  (
    await db
      .select({ n: sql<number>`count(*)::int` })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)))
  )[0]?.n ?? 0;

import { and, desc, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import { agentTokenPermissions } from '../../contracts/agent-permissions.ts';
import { type ApiToken, type createTokenRequestSchema, tokenKindCodes } from '../../contracts/identity.ts';
import { type Permission, permissionsOfRole, type Role, tokenGrantableScopes } from '../../contracts/permissions.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { type Actor, actorUserId, type Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notifyRevocation } from '../../events/revocations.ts';
import { digestsEqual, randomToken, sha256Hex } from '../../lib/crypto.ts';
import { AppError, conflict, notFound, validation } from '../../lib/errors.ts';
import { recordAudit } from './audit.service.ts';
import { findOrgBySlug, oldestOrg, roleIn } from './orgs.service.ts';
import { forbidden } from './tenancy.errors.ts';
import { apiTokens, orgs } from './tenancy.tables.ts';

type TokenKind = keyof typeof tokenKindCodes;
const kindByCode = Object.fromEntries(Object.entries(tokenKindCodes).map(([k, c]) => [c, k])) as Record<string, TokenKind>;

/** nexo_<agt|int|pat>_<16-char id>_<43-char base64url secret> */
const tokenPattern = /^nexo_(agt|int|pat)_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const newTokenId = () =>
  randomToken(16)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 16)
    .padEnd(16, '0');

export interface AuthenticatedToken {
  orgId: string;
  actor: Extract<Actor, { type: 'token' }>;
  permissions: Permission[];
}

type TokenRow = typeof apiTokens.$inferSelect;

const toApiToken = (row: TokenRow): ApiToken => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  agentId: row.agentId,
  scopes: row.scopes,
  prefix: `nexo_${tokenKindCodes[row.kind]}_${row.id}_`,
  createdBy: row.createdBy,
  createdAt: row.createdAt.toISOString(),
  expiresAt: row.expiresAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
});

function permissionsOf(row: { kind: TokenKind; scopes: string[] }, role: Role | null): Permission[] {
  if (row.kind === 'agent') return [...agentTokenPermissions];
  const scopes = row.scopes.filter((s): s is Permission => (tokenGrantableScopes as string[]).includes(s));
  if (row.kind === 'personal') return role ? scopes.filter((s) => permissionsOfRole(role).includes(s)) : [];
  return scopes;
}

/** Seed 001 compatibility: MARKETPLACE_<AGENT>_TOKEN values, hashed at start and bound to the default org. */
export interface EnvAgentToken {
  variable: string;
  agentId: string;
  hash: string;
  orgId: string;
}

export async function prepareEnvAgentTokens(
  db: Db,
  tokens: Array<{ variable: string; agentId: string; token: string }>,
  defaultOrgSlug: string | undefined,
): Promise<EnvAgentToken[]> {
  if (tokens.length === 0) return [];
  const org = defaultOrgSlug ? await findOrgBySlug(db, defaultOrgSlug) : await oldestOrg(db);
  if (!org)
    throw new Error(
      defaultOrgSlug ? `NEXO_DEFAULT_ORG: no org with slug "${defaultOrgSlug}"` : 'agent tokens from the environment need an org; none exists yet',
    );
  return tokens.map((t) => ({ variable: t.variable, agentId: t.agentId, hash: sha256Hex(t.token), orgId: org.id }));
}

/**
 * Environment agent tokens (a fixed set, used for high-rate task creation) check that their org still
 * exists at most once a second per process: an org deletion reaches them within a second. Requests
 * that arrive while a check is running wait for that check instead of starting their own.
 */
const envOrgCheckedUntil = new Map<string, number>();
const envOrgChecking = new Map<string, Promise<boolean>>();
const ENV_ORG_CHECK_MS = 1000;

async function envTokenOrgActive(db: Db, orgId: string, now: Date): Promise<boolean> {
  if ((envOrgCheckedUntil.get(orgId) ?? 0) > now.getTime()) return true;
  const running = envOrgChecking.get(orgId);
  if (running) return running;
  const check = (async () => {
    const [org] = await db
      .select({ id: orgs.id })
      .from(orgs)
      .where(and(eq(orgs.id, orgId), isNull(orgs.deletedAt)));
    if (!org) {
      envOrgCheckedUntil.delete(orgId);
      return false;
    }
    envOrgCheckedUntil.set(orgId, now.getTime() + ENV_ORG_CHECK_MS);
    return true;
  })().finally(() => envOrgChecking.delete(orgId));
  envOrgChecking.set(orgId, check);
  return check;
}

/**
 * Resolves a bearer token to its org and permissions, or null. Database tokens are looked up by id and
 * their secret hash compared in constant time; environment tokens are compared against every entry.
 */
export async function authenticateToken(db: Db, raw: string, envTokens: EnvAgentToken[], now: Date): Promise<AuthenticatedToken | null> {
  const match = tokenPattern.exec(raw);
  if (!match) {
    const hash = sha256Hex(raw);
    let found: EnvAgentToken | null = null;
    for (const t of envTokens) if (digestsEqual(t.hash, hash)) found = t;
    if (!found) return null;
    if (!(await envTokenOrgActive(db, found.orgId, now))) return null;
    return {
      orgId: found.orgId,
      actor: {
        type: 'token',
        tokenId: `env:${found.variable}`,
        label: `${found.agentId} (${found.variable})`,
        kind: 'agent',
        agentId: found.agentId,
        userId: null,
        role: null,
      },
      permissions: [...agentTokenPermissions],
    };
  }
  const [, code, id, secret] = match;
  const [row] = await db
    .select({ token: apiTokens, orgDeletedAt: orgs.deletedAt })
    .from(apiTokens)
    .innerJoin(orgs, eq(orgs.id, apiTokens.orgId))
    .where(eq(apiTokens.id, id as string));
  const presented = sha256Hex(secret as string);
  if (!row || !digestsEqual(row.token.secretHash, presented)) return null;
  const token = row.token;
  if (kindByCode[code as string] !== token.kind || token.revokedAt || row.orgDeletedAt || (token.expiresAt && token.expiresAt <= now)) return null;
  const role = token.userId ? await roleIn(db, token.orgId, token.userId) : null;
  if (token.kind === 'personal' && !role) return null;
  if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
    await db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, token.id));
  }
  return {
    orgId: token.orgId,
    actor: {
      type: 'token',
      tokenId: token.id,
      label: `${token.name} (${token.kind} token)`,
      kind: token.kind,
      agentId: token.agentId,
      userId: token.userId,
      role,
    },
    permissions: permissionsOf(token, role),
  };
}

export async function listTokens(ctx: Ctx): Promise<ApiToken[]> {
  const rows = await ctx.db.select().from(apiTokens).where(eq(apiTokens.orgId, ctx.orgId)).orderBy(desc(apiTokens.createdAt));
  return rows.map(toApiToken);
}

/** Creates a token; the secret is returned once and only its SHA-256 is stored. */
export async function createToken(ctx: Ctx, input: z.output<typeof createTokenRequestSchema>): Promise<{ token: ApiToken; secret: string }> {
  if (ctx.actor.type === 'token') throw forbidden('API tokens cannot create API tokens');
  const creator = actorUserId(ctx.actor);
  if (input.kind === 'personal' && !creator) throw validation('A personal token belongs to a person; create it signed in');
  if (input.kind === 'agent' && input.scopes.length > 0) throw validation('Agent tokens have fixed permissions; do not pass scopes');
  const notGrantable = input.scopes.filter((s) => !(tokenGrantableScopes as string[]).includes(s));
  if (notGrantable.length > 0) throw validation(`These scopes cannot be given to a token: ${notGrantable.join(', ')}`, { scopes: notGrantable });
  const ceiling = ctx.actor.type === 'user' ? permissionsOfRole(ctx.actor.role) : tokenGrantableScopes;
  const beyondRole = input.scopes.filter((s) => !ceiling.includes(s as Permission));
  if (beyondRole.length > 0) throw new AppError('FORBIDDEN', `You cannot grant what your role does not have: ${beyondRole.join(', ')}`, { scopes: beyondRole });

  const id = newTokenId();
  const secret = randomToken(32);
  const full = `nexo_${tokenKindCodes[input.kind]}_${id}_${secret}`;
  const row = await withTransaction(ctx.db, async (tx) => {
    const [created] = await tx
      .insert(apiTokens)
      .values({
        id,
        orgId: ctx.orgId,
        kind: input.kind,
        name: input.name,
        agentId: input.agentId ?? null,
        userId: input.kind === 'personal' ? creator : null,
        scopes: input.scopes,
        secretHash: sha256Hex(secret),
        createdBy: creator,
        createdAt: ctx.now,
        expiresAt: input.expiresInDays ? new Date(ctx.now.getTime() + input.expiresInDays * 86_400_000) : null,
      })
      .returning();
    if (!created) throw new Error('token insert returned nothing');
    await recordAudit(tx, ctx, {
      action: 'token.created',
      resourceType: 'api_token',
      resourceId: id,
      after: { name: input.name, kind: input.kind, agentId: input.agentId ?? null, scopes: input.scopes, expiresAt: created.expiresAt?.toISOString() ?? null },
    });
    return created;
  });
  return { token: toApiToken(row), secret: full };
}

export async function revokeToken(ctx: Ctx, id: string): Promise<ApiToken> {
  return withTransaction(ctx.db, async (tx) => {
    const [current] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.id, id), eq(apiTokens.orgId, ctx.orgId)));
    if (!current) throw notFound('API token');
    if (current.revokedAt) throw conflict('This token is already revoked', { revokedAt: current.revokedAt.toISOString() });
    const [row] = await tx
      .update(apiTokens)
      .set({ revokedAt: ctx.now })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.orgId, ctx.orgId), isNull(apiTokens.revokedAt)))
      .returning();
    if (!row) throw conflict('This token is already revoked');
    await notifyRevocation(tx, { tokenIds: [id] });
    await recordAudit(tx, ctx, {
      action: 'token.revoked',
      resourceType: 'api_token',
      resourceId: id,
      before: { revokedAt: null },
      after: { revokedAt: ctx.now.toISOString() },
    });
    return toApiToken(row);
  });
}

/** The org a token belongs to (the CLI revokes by id without knowing the org). */
export async function findTokenOrg(db: Db, id: string): Promise<string | null> {
  const [row] = await db.select({ orgId: apiTokens.orgId }).from(apiTokens).where(eq(apiTokens.id, id));
  return row?.orgId ?? null;
}

/** Who issued a token (for segregation of duties on what the token requested). */
export async function tokenCreator(db: DbOrTx, id: string): Promise<string | null> {
  const [row] = await db.select({ createdBy: apiTokens.createdBy, userId: apiTokens.userId }).from(apiTokens).where(eq(apiTokens.id, id));
  return row?.userId ?? row?.createdBy ?? null;
}

import { agentIds } from '../contracts/agents.ts';
import { tokenKinds } from '../contracts/identity.ts';
import { permissions, type Role, roles } from '../contracts/permissions.ts';
import type { Database } from '../db/client.ts';
import { type Ctx, systemActor } from '../db/context.ts';
import { withTransaction } from '../db/transaction.ts';
import { randomToken } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';
import {
  addMembership,
  createOrg,
  createToken,
  createUserWithMembership,
  findOrgBySlug,
  findTokenOrg,
  findUserByEmail,
  revokeToken,
} from '../modules/tenancy/index.ts';
import type { loggerFor } from './process.ts';
import { withDatabase } from './with-database.ts';

function usageError(message: string): never {
  process.stderr.write(`nexo: ${message}\n`);
  process.exit(2);
}

const cliAudit = (orgId: string) => ({ orgId, actor: systemActor('cli'), requestId: null, ip: null, now: new Date() });

function systemCtx(database: Database, orgId: string, log: ReturnType<typeof loggerFor>): Ctx {
  return { orgId, actor: systemActor('cli'), permissions: new Set(permissions), db: database.db, log, now: new Date(), requestId: null, ip: null };
}

async function requireOrg(database: Database, slug: string) {
  const org = await findOrgBySlug(database.db, slug);
  if (!org) throw new AppError('NOT_FOUND', `No org with slug "${slug}"`);
  return org;
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export async function createOrgCommand(options: { slug: string; name: string }): Promise<void> {
  await withDatabase(async (database) => {
    const org = await withTransaction(database.db, (tx) => createOrg(tx, { actor: systemActor('cli'), requestId: null, ip: null, now: new Date() }, options));
    process.stdout.write(`created org ${org.slug} (${org.id})\n`);
  });
}

export async function createUserCommand(options: { org: string; email: string; role: string; name?: string }): Promise<void> {
  if (!(roles as readonly string[]).includes(options.role)) usageError(`--role must be one of ${roles.join(', ')}`);
  const role = options.role as Role;
  const fromStdin = await readStdin();
  await withDatabase(async (database) => {
    const org = await requireOrg(database, options.org);
    const existing = await findUserByEmail(database.db, options.email);
    if (existing) {
      await withTransaction(database.db, (tx) => addMembership(tx, cliAudit(org.id), existing.id, role));
      process.stdout.write(`added existing user ${existing.email} to ${org.slug} as ${role}\n`);
      return;
    }
    const oneTime = fromStdin ? null : randomToken(12);
    const user = await withTransaction(database.db, (tx) =>
      createUserWithMembership(tx, cliAudit(org.id), {
        email: options.email,
        name: options.name ?? options.email.split('@')[0] ?? options.email,
        password: fromStdin || (oneTime as string),
        role,
        orgId: org.id,
        mustChangePassword: oneTime !== null,
      }),
    );
    process.stdout.write(`created user ${user.email} (${user.id}) in ${org.slug} as ${role}\n`);
    if (oneTime) process.stdout.write(`one-time password: ${oneTime}  (must be changed at first sign-in)\n`);
  });
}

export async function createTokenCommand(options: {
  org: string;
  kind: string;
  agent?: string;
  name?: string;
  scopes?: string;
  expiresDays?: string;
}): Promise<void> {
  if (!(tokenKinds as readonly string[]).includes(options.kind)) usageError(`--kind must be one of ${tokenKinds.join(', ')}`);
  if (options.agent && !(agentIds as readonly string[]).includes(options.agent)) usageError(`--agent must be one of ${agentIds.join(', ')}`);
  await withDatabase(async (database, log) => {
    const org = await requireOrg(database, options.org);
    const kind = options.kind as (typeof tokenKinds)[number];
    const { token, secret } = await createToken(systemCtx(database, org.id, log), {
      kind,
      name: options.name ?? (options.agent ? `${options.agent} (CLI)` : `${kind} token (CLI)`),
      ...(options.agent ? { agentId: options.agent as (typeof agentIds)[number] } : {}),
      scopes: options.scopes
        ? options.scopes
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [],
      ...(options.expiresDays ? { expiresInDays: Number(options.expiresDays) } : {}),
    });
    process.stderr.write(`created ${token.kind} token ${token.id} in ${org.slug}; it is shown once:\n`);
    process.stdout.write(`${secret}\n`);
  });
}

export async function revokeTokenCommand(id: string): Promise<void> {
  await withDatabase(async (database, log) => {
    const orgId = await findTokenOrg(database.db, id);
    if (!orgId) throw new AppError('NOT_FOUND', `No token with id "${id}"`);
    await revokeToken(systemCtx(database, orgId, log), id);
    process.stdout.write(`revoked token ${id}\n`);
  });
}

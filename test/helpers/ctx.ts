import { permissions, permissionsOfRole, type Role } from '../../src/contracts/permissions.ts';
import type { Database } from '../../src/db/client.ts';
import { type Actor, type Ctx, systemActor } from '../../src/db/context.ts';
import { withTransaction } from '../../src/db/transaction.ts';
import { createOrg, createUserWithMembership } from '../../src/modules/tenancy/index.ts';
import { randomSuffix } from './random.ts';
import { silentLog } from './template.ts';

export const testKey = Buffer.alloc(32, 7);

export function ctxFor(database: Database, orgId: string, actor: Actor = systemActor('test'), now = new Date()): Ctx {
  const perms = actor.type === 'user' ? permissionsOfRole(actor.role) : permissions;
  return { orgId, actor, permissions: new Set(perms), db: database.db, log: silentLog, now, requestId: null, ip: null };
}

/** An org with one member per requested role; returns ids and a ctx per member. */
export async function seedOrg(database: Database, rolesWanted: Role[] = ['owner']) {
  const now = new Date();
  const slug = `org-${randomSuffix()}`;
  const audit = { actor: systemActor('test'), requestId: null, ip: null, now };
  const org = await withTransaction(database.db, (tx) => createOrg(tx, audit, { slug, name: `Org ${slug}` }));
  const members: Record<string, { id: string; email: string; password: string; ctx: Ctx }> = {};
  for (const role of rolesWanted) {
    const email = `${role}-${randomSuffix()}@example.test`;
    const password = `pass phrase for ${role} ${randomSuffix()}`;
    const user = await withTransaction(database.db, (tx) =>
      createUserWithMembership(tx, { ...audit, orgId: org.id }, { email, name: role, password, role, orgId: org.id, mustChangePassword: false }),
    );
    members[role] = { id: user.id, email, password, ctx: ctxFor(database, org.id, { type: 'user', userId: user.id, label: email, role }) };
  }
  return { org, members };
}

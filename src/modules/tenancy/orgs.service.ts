import { and, asc, eq, isNull } from 'drizzle-orm';
import type { z } from 'zod';
import { type OrgSettings, orgSettingsSchema, type updateOrgRequestSchema } from '../../contracts/identity.ts';
import type { Role } from '../../contracts/permissions.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { conflict, notFound, validation } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { type AuditScope, recordAudit } from './audit.service.ts';
import { orgMembers, orgs } from './tenancy.tables.ts';

export type OrgRow = typeof orgs.$inferSelect;

export const defaultOrgSettings = (): OrgSettings => orgSettingsSchema.parse({});

export const toOrg = (row: OrgRow) => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  settings: { ...defaultOrgSettings(), ...row.settings },
  createdAt: row.createdAt.toISOString(),
});

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug.length >= 2 ? slug : `org-${slug}`.replace(/-$/, '');
}

const validTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Creates an org (slug unique: 409 when taken). */
export async function createOrg(db: DbOrTx, audit: Omit<AuditScope, 'orgId'>, input: { slug: string; name: string }): Promise<OrgRow> {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(input.slug)) throw validation('Org slug must be 2-63 lowercase letters, digits or dashes', { slug: input.slug });
  const [existing] = await db.select({ id: orgs.id }).from(orgs).where(eq(orgs.slug, input.slug));
  if (existing) throw conflict(`An org with slug "${input.slug}" already exists`, { slug: input.slug });
  const id = uuidv7(audit.now.getTime());
  const [row] = await db.insert(orgs).values({ id, slug: input.slug, name: input.name, settings: defaultOrgSettings(), createdAt: audit.now }).returning();
  if (!row) throw new Error('org insert returned nothing');
  await recordAudit(db, { ...audit, orgId: id }, { action: 'org.created', resourceType: 'org', resourceId: id, after: { slug: row.slug, name: row.name } });
  return row;
}

export async function findOrgBySlug(db: DbOrTx, slug: string): Promise<OrgRow | null> {
  const [row] = await db
    .select()
    .from(orgs)
    .where(and(eq(orgs.slug, slug), isNull(orgs.deletedAt)));
  return row ?? null;
}

/** Every live org with its time zone (schedules are registered per org in its zone). */
export async function listOrgTimeZones(db: DbOrTx): Promise<Array<{ orgId: string; timeZone: string }>> {
  const rows = await db.select({ id: orgs.id, settings: orgs.settings }).from(orgs).where(isNull(orgs.deletedAt));
  return rows.map((r) => ({ orgId: r.id, timeZone: r.settings?.timeZone ?? 'UTC' }));
}

export async function oldestOrg(db: DbOrTx): Promise<OrgRow | null> {
  const [row] = await db.select().from(orgs).where(isNull(orgs.deletedAt)).orderBy(asc(orgs.createdAt)).limit(1);
  return row ?? null;
}

/** Ids of every live org (system jobs that work org by org, e.g. alert evaluation). */
export async function listOrgIds(db: DbOrTx): Promise<string[]> {
  const rows = await db.select({ id: orgs.id }).from(orgs).where(isNull(orgs.deletedAt)).orderBy(asc(orgs.createdAt));
  return rows.map((r) => r.id);
}

export async function getOrg(ctx: Ctx) {
  const [row] = await ctx.db
    .select()
    .from(orgs)
    .where(and(eq(orgs.id, ctx.orgId), isNull(orgs.deletedAt)));
  if (!row) throw notFound('Org');
  return toOrg(row);
}

export async function updateOrg(ctx: Ctx, patch: z.output<typeof updateOrgRequestSchema>) {
  if (patch.settings?.timeZone && !validTimeZone(patch.settings.timeZone)) {
    throw validation(`Unknown time zone "${patch.settings.timeZone}" (expected an IANA name such as America/Sao_Paulo)`);
  }
  return withTransaction(ctx.db, async (tx) => {
    const [current] = await tx
      .select()
      .from(orgs)
      .where(and(eq(orgs.id, ctx.orgId), isNull(orgs.deletedAt)))
      .for('update');
    if (!current) throw notFound('Org');
    const before = toOrg(current);
    const settings = { ...before.settings, ...patch.settings };
    const [row] = await tx
      .update(orgs)
      .set({ name: patch.name ?? current.name, settings })
      .where(eq(orgs.id, ctx.orgId))
      .returning();
    if (!row) throw notFound('Org');
    const after = toOrg(row);
    await recordAudit(tx, ctx, {
      action: 'org.updated',
      resourceType: 'org',
      resourceId: ctx.orgId,
      before: { name: before.name, ...before.settings },
      after: { name: after.name, ...after.settings },
    });
    return after;
  });
}

export interface Membership {
  org: OrgRow;
  role: Role;
}

/** Orgs a user belongs to (not deleted), oldest membership first. */
export async function membershipsOf(db: DbOrTx, userId: string): Promise<Membership[]> {
  const rows = await db
    .select({ org: orgs, role: orgMembers.role })
    .from(orgMembers)
    .innerJoin(orgs, eq(orgs.id, orgMembers.orgId))
    .where(and(eq(orgMembers.userId, userId), isNull(orgs.deletedAt)))
    .orderBy(asc(orgMembers.createdAt));
  return rows;
}

export async function roleIn(db: DbOrTx, orgId: string, userId: string): Promise<Role | null> {
  const [row] = await db
    .select({ role: orgMembers.role })
    .from(orgMembers)
    .innerJoin(orgs, eq(orgs.id, orgMembers.orgId))
    .where(and(eq(orgMembers.orgId, orgId), eq(orgMembers.userId, userId), isNull(orgs.deletedAt)));
  return row?.role ?? null;
}

/** An org's settings with defaults applied (404 for an unknown or deleted org). */
export async function orgSettings(db: DbOrTx, orgId: string): Promise<OrgSettings> {
  const [row] = await db
    .select({ settings: orgs.settings })
    .from(orgs)
    .where(and(eq(orgs.id, orgId), isNull(orgs.deletedAt)));
  if (!row) throw notFound('Org');
  return { ...defaultOrgSettings(), ...row.settings };
}

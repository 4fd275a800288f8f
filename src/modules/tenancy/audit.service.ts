import { and, desc, eq, gte, lt, lte, or, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { AuditEntry, auditQuerySchema } from '../../contracts/identity.ts';
import { bulkInsert, bulkInsertSql } from '../../db/bulk-insert.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Actor, Ctx } from '../../db/context.ts';
import { validation } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { auditLog } from './tenancy.tables.ts';

export interface AuditInput {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

/** Keys whose values never reach the audit log. */
const secretKeys = /password|secret|token|hash|credential|code/i;

const redact = (value: Record<string, unknown> | null | undefined) =>
  value ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secretKeys.test(k) ? '[redacted]' : v])) : null;

/** Only the fields that changed, as { field: { before, after } } (or the full object on create/delete). */
export function auditChanges(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null {
  const b = redact(before);
  const a = redact(after);
  if (!b && !a) return null;
  if (!b) return { after: a };
  if (!a) return { before: b };
  const changed: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) !== JSON.stringify(a[key])) changed[key] = { before: b[key] ?? null, after: a[key] ?? null };
  }
  return changed;
}

const actorId = (actor: Actor) => (actor.type === 'user' ? actor.userId : actor.type === 'token' ? actor.tokenId : null);

export interface AuditScope {
  orgId: string;
  actor: Actor;
  requestId: string | null;
  ip: string | null;
  now: Date;
}

const auditRow = (scope: AuditScope, input: AuditInput) => ({
  id: uuidv7(scope.now.getTime()),
  orgId: scope.orgId,
  at: scope.now,
  actorType: scope.actor.type,
  actorId: actorId(scope.actor),
  actorLabel: scope.actor.label,
  action: input.action,
  resourceType: input.resourceType,
  resourceId: input.resourceId ?? null,
  changes: auditChanges(input.before, input.after),
  requestId: scope.requestId,
  ip: scope.ip,
});

/** Appends one entry; call it with the transaction of the change it records. */
export async function recordAudit(db: DbOrTx, scope: AuditScope, input: AuditInput): Promise<void> {
  await db.insert(auditLog).values(auditRow(scope, input));
}

/** Appends many entries (each with its own actor) in one statement, in the order given. */
export async function recordAuditMany(db: DbOrTx, entries: { scope: AuditScope; input: AuditInput }[]): Promise<void> {
  if (entries.length === 0) return;
  await bulkInsert(
    db,
    auditLog,
    entries.map((e) => auditRow(e.scope, e.input)),
  );
}

/**
 * recordAuditMany as a statement to embed in a data-modifying WITH clause; `where` keeps only some of
 * the entries (it sees each as `r`, e.g. `r.resource_id in (…)`). `entries` must not be empty.
 */
export const recordAuditManySql = (entries: { scope: AuditScope; input: AuditInput }[], where?: SQL): SQL =>
  bulkInsertSql(
    auditLog,
    entries.map((e) => auditRow(e.scope, e.input)),
    { where },
  );

const toEntry = (row: typeof auditLog.$inferSelect): AuditEntry => ({
  id: row.id,
  at: row.at.toISOString(),
  actorType: row.actorType,
  actorId: row.actorId,
  actorLabel: row.actorLabel,
  action: row.action,
  resourceType: row.resourceType,
  resourceId: row.resourceId,
  changes: row.changes ?? null,
  requestId: row.requestId,
  ip: row.ip,
});

const encodeCursor = (row: { seq: number }) => Buffer.from(`s${row.seq}`).toString('base64url');
function decodeCursor(cursor: string): number {
  const raw = Buffer.from(cursor, 'base64url').toString();
  if (!/^s\d{1,18}$/.test(raw)) throw validation('Invalid cursor');
  return Number(raw.slice(1));
}

/** Newest first (in insertion order), keyset-paginated, always within the caller's org. */
export async function listAudit(ctx: Ctx, query: z.output<typeof auditQuerySchema>): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
  const where: SQL[] = [eq(auditLog.orgId, ctx.orgId)];
  if (query.actor) {
    const byActor = or(eq(auditLog.actorId, query.actor), eq(auditLog.actorLabel, query.actor));
    if (byActor) where.push(byActor);
  }
  if (query.action) where.push(eq(auditLog.action, query.action));
  if (query.resourceType) where.push(eq(auditLog.resourceType, query.resourceType));
  if (query.resourceId) where.push(eq(auditLog.resourceId, query.resourceId));
  if (query.from) where.push(gte(auditLog.at, new Date(query.from)));
  if (query.to) where.push(lte(auditLog.at, new Date(query.to)));
  if (query.cursor) where.push(lt(auditLog.seq, decodeCursor(query.cursor)));
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.seq))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { entries: page.map(toEntry), nextCursor: rows.length > query.limit && last ? encodeCursor(last) : null };
}

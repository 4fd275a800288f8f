import { and, asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { notFound, validation } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { recordAudit } from '../tenancy/index.ts';
import { stores } from './stores.tables.ts';

export type StoreRow = typeof stores.$inferSelect;

export interface Store {
  id: string;
  platform: string;
  name: string;
  externalId: string | null;
  status: string;
  config: Record<string, unknown>;
  hasCredentials: boolean;
  health: Record<string, unknown>;
  lastSyncedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const toStore = (row: StoreRow): Store => ({
  id: row.id,
  platform: row.platform,
  name: row.name,
  externalId: row.externalId,
  status: row.status,
  config: row.config,
  hasCredentials: row.credentialsEncrypted !== null,
  health: row.health,
  lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export interface CreateStoreInput {
  platform: string;
  name: string;
  externalId?: string | null;
  config?: Record<string, unknown>;
  /** Already sealed by the caller (AES-256-GCM, org + store id as associated data); the connectors issue owns this. */
  credentialsEncrypted?: string | null;
  /** Lets the caller seal credentials with the store id as associated data before the row exists. */
  id?: string;
}

export async function createStore(ctx: Ctx, input: CreateStoreInput): Promise<Store> {
  const platform = input.platform.trim().toLowerCase();
  const name = input.name.trim();
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(platform)) throw validation('platform must be a channel slug such as shopify or amazon', { field: 'platform' });
  if (name.length === 0 || name.length > 120) throw validation('name must have 1 to 120 characters', { field: 'name' });
  return withTransaction(ctx.db, async (tx) => {
    const [row] = await tx
      .insert(stores)
      .values({
        id: input.id ?? uuidv7(ctx.now.getTime()),
        orgId: ctx.orgId,
        platform,
        name,
        externalId: input.externalId ?? null,
        config: input.config ?? {},
        credentialsEncrypted: input.credentialsEncrypted ?? null,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    if (!row) throw new Error('store insert returned no row');
    await recordAudit(tx, ctx, { action: 'store.created', resourceType: 'store', resourceId: row.id, after: { platform, name, externalId: row.externalId } });
    return toStore(row);
  });
}

export async function listStores(ctx: Pick<Ctx, 'orgId' | 'db'>): Promise<Store[]> {
  const rows = await ctx.db.select().from(stores).where(eq(stores.orgId, ctx.orgId)).orderBy(asc(stores.createdAt), asc(stores.id));
  return rows.map(toStore);
}

export async function findStoreRow(db: DbOrTx, orgId: string, storeId: string): Promise<StoreRow | undefined> {
  if (!isUuid(storeId)) return undefined;
  const [row] = await db
    .select()
    .from(stores)
    .where(and(eq(stores.id, storeId), eq(stores.orgId, orgId)));
  return row;
}

/** Another org's store answers NOT_FOUND, like a missing one. */
export async function getStore(ctx: Pick<Ctx, 'orgId' | 'db'>, storeId: string): Promise<Store> {
  const row = await findStoreRow(ctx.db, ctx.orgId, storeId);
  if (!row) throw notFound('store', { storeId });
  return toStore(row);
}

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

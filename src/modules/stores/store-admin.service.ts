import { and, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { connectorById } from '../../connectors/registry.ts';
import type { CreateStoreRequest, StoreView, UpdateStoreRequest } from '../../contracts/stores.ts';
import type { DbOrTx } from '../../db/client.ts';
import { type Ctx, systemActor } from '../../db/context.ts';
import { withTransaction } from '../../db/transaction.ts';
import { AppError, conflict, notFound, validation } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { checkOutboundTarget, isPrivateTargetError, type OutboundOptions } from '../../lib/outbound-http.ts';
import { recordAudit } from '../tenancy/index.ts';
import { credentialFieldsOf, sealCredentials, sealWebhookSecrets } from './store-secrets.ts';
import { findStoreRow, type StoreRow } from './stores.service.ts';
import { stores } from './stores.tables.ts';

/** What the stores API needs besides the ctx: the key that seals credentials. */
export interface StoreSecretsDeps {
  secretKey: Buffer;
  /** Feed connectors (Kaway) fetch URLs people type in: private targets only as configured (NEXO_ALLOW_PRIVATE_FEEDS, NEXO_FEED_ALLOWED_ORIGINS). */
  feeds?: OutboundOptions;
}

export const strictFeeds: OutboundOptions = { allowPrivate: false };

/**
 * A feed connector's settings hold URLs Nexo will fetch (watched feeds, a stock upload URL): each one is checked
 * like a notification URL (http(s), no private, loopback or link-local address, after DNS resolution) when it
 * is saved, so a bad one is a 400 `VALIDATION` with `details.reason = 'private_address'` before anything is stored.
 */
async function checkFeedUrls(connector: StoreConnector, config: Record<string, unknown>, deps: StoreSecretsDeps): Promise<void> {
  if (connector.auth.type !== 'feed') return;
  for (const [field, value] of Object.entries(config)) {
    if (typeof value !== 'string' || !/^https?:\/\//i.test(value)) continue;
    try {
      await checkOutboundTarget(value, deps.feeds ?? strictFeeds);
    } catch (error) {
      if (isPrivateTargetError(error))
        throw new AppError('VALIDATION', `connectorConfig.${field}: ${error.message}`, { field: `connectorConfig.${field}`, reason: 'private_address' });
      throw error;
    }
  }
}

const DEFAULT_SYNC_MINUTES = 60;

export const toStoreView = (row: StoreRow): StoreView => ({
  id: row.id,
  platform: row.platform,
  name: row.name,
  externalId: row.externalId,
  status: row.status as StoreView['status'],
  syncIntervalMinutes: typeof row.config.syncIntervalMinutes === 'number' ? row.config.syncIntervalMinutes : DEFAULT_SYNC_MINUTES,
  priority: (['high', 'normal', 'low'].includes(row.config.priority as string) ? row.config.priority : 'normal') as StoreView['priority'],
  connectorConfig: (row.config.connector as Record<string, unknown> | undefined) ?? {},
  credentialFields: row.credentialFields,
  webhookSecretCount: row.webhookSecretCount,
  health: row.health,
  lastSyncedAt: row.lastSyncedAt?.toISOString() ?? null,
  sync: row.syncState && { mode: row.syncState.mode, phase: row.syncState.phase, pages: row.syncState.pages, startedAt: row.syncState.startedAt },
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export type StoreConnector = NonNullable<ReturnType<typeof connectorById>>;

/** The connector of a platform, or a VALIDATION error naming the field. */
export function connectorFor(platform: string): StoreConnector {
  const connector = connectorById(platform);
  if (!connector) throw validation(`Unknown platform "${platform}": see GET /api/connectors`, { field: 'platform' });
  return connector;
}

/** Zod issues as paths and messages only: a credential value never appears in an error. */
function checked<T>(schema: z.ZodType<T>, value: unknown, field: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => ({ path: [field, ...issue.path.map(String)].join('.'), message: issue.message }));
  throw validation(`${field} are not valid for this connector`, { field, issues });
}

const auditView = (row: StoreRow) => ({
  name: row.name,
  platform: row.platform,
  externalId: row.externalId,
  status: row.status,
  syncIntervalMinutes: row.config.syncIntervalMinutes ?? DEFAULT_SYNC_MINUTES,
  priority: row.config.priority ?? 'normal',
  connector: row.config.connector ?? {},
  fieldsSet: row.credentialFields,
  webhookSigningKeys: row.webhookSecretCount,
});

const isUniqueViolation = (error: unknown): boolean => {
  const e = error as { code?: string; cause?: { code?: string } } | null;
  return e?.code === '23505' || e?.cause?.code === '23505';
};

export async function requireRow(db: DbOrTx, orgId: string, storeId: string, forUpdate = false): Promise<StoreRow> {
  const row = forUpdate
    ? (
        await db
          .select()
          .from(stores)
          .where(and(eq(stores.id, storeId), eq(stores.orgId, orgId)))
          .for('update')
      )[0]
    : await findStoreRow(db, orgId, storeId);
  if (!row) throw notFound('store', { storeId });
  return row;
}

/** Key entry: validates config and credentials with the connector's schemas, seals them, audits without secrets. */
export async function connectStore(ctx: Ctx, deps: StoreSecretsDeps, input: CreateStoreRequest): Promise<StoreView> {
  const connector = connectorFor(input.platform);
  const connectorConfig = checked(connector.configSchema, input.connectorConfig, 'connectorConfig') as Record<string, unknown>;
  await checkFeedUrls(connector, connectorConfig, deps);
  const credentials = checked(connector.credentialsSchema, input.credentials, 'credentials') as Record<string, unknown>;
  return insertStore(ctx, deps, {
    platform: connector.id,
    name: input.name,
    externalId: input.externalId ?? null,
    connectorConfig,
    credentials,
    webhookSecrets: input.webhookSecrets ?? [],
    syncIntervalMinutes: input.syncIntervalMinutes ?? DEFAULT_SYNC_MINUTES,
    priority: input.priority ?? 'normal',
    via: 'key_entry',
  });
}

export interface InsertStoreInput {
  platform: string;
  name: string;
  externalId: string | null;
  connectorConfig: Record<string, unknown>;
  credentials: Record<string, unknown>;
  webhookSecrets: string[];
  syncIntervalMinutes: number;
  priority: StoreView['priority'];
  via: 'key_entry' | 'oauth';
}

export async function insertStore(ctx: Ctx, deps: StoreSecretsDeps, input: InsertStoreInput, tx?: DbOrTx): Promise<StoreView> {
  const id = uuidv7(ctx.now.getTime());
  const run = async (db: DbOrTx) => {
    const [row] = await db
      .insert(stores)
      .values({
        id,
        orgId: ctx.orgId,
        platform: input.platform,
        name: input.name,
        externalId: input.externalId,
        config: { connector: input.connectorConfig, syncIntervalMinutes: input.syncIntervalMinutes, priority: input.priority },
        credentialsEncrypted: sealCredentials(deps.secretKey, ctx.orgId, id, input.credentials),
        credentialFields: credentialFieldsOf(input.credentials),
        webhookSecretsEncrypted: sealWebhookSecrets(deps.secretKey, ctx.orgId, id, input.webhookSecrets),
        webhookSecretCount: input.webhookSecrets.length,
        createdAt: ctx.now,
        updatedAt: ctx.now,
      })
      .returning();
    if (!row) throw new Error('store insert returned no row');
    await recordAudit(db, ctx, { action: 'store.connected', resourceType: 'store', resourceId: row.id, after: { ...auditView(row), via: input.via } });
    return toStoreView(row);
  };
  try {
    return tx ? await run(tx) : await withTransaction(ctx.db, run);
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('This channel account is already connected to the organization', { externalId: input.externalId });
    throw error;
  }
}

const withoutAccessRevoked = ({ accessRevoked: _, ...health }: Record<string, unknown>) => health;

/** Re-installing (OAuth) an account the org already has: new credentials, status back to active. */
export async function reconnectStore(ctx: Ctx, deps: StoreSecretsDeps, storeId: string, credentials: Record<string, unknown>, tx: DbOrTx): Promise<StoreView> {
  const before = await requireRow(tx, ctx.orgId, storeId, true);
  const [row] = await tx
    .update(stores)
    .set({
      credentialsEncrypted: sealCredentials(deps.secretKey, ctx.orgId, storeId, credentials),
      credentialFields: credentialFieldsOf(credentials),
      status: 'active',
      health: withoutAccessRevoked(before.health),
      updatedAt: ctx.now,
    })
    .where(and(eq(stores.id, storeId), eq(stores.orgId, ctx.orgId)))
    .returning();
  if (!row) throw notFound('store', { storeId });
  await recordAudit(tx, ctx, { action: 'store.reconnected', resourceType: 'store', resourceId: storeId, before: auditView(before), after: auditView(row) });
  return toStoreView(row);
}

export async function updateStore(ctx: Ctx, deps: StoreSecretsDeps, storeId: string, input: UpdateStoreRequest): Promise<StoreView> {
  if (input.connectorConfig !== undefined) {
    const row = await requireRow(ctx.db, ctx.orgId, storeId);
    const connector = connectorFor(row.platform);
    await checkFeedUrls(connector, checked(connector.configSchema, input.connectorConfig, 'connectorConfig') as Record<string, unknown>, deps);
  }
  return withTransaction(ctx.db, async (tx) => {
    const before = await requireRow(tx, ctx.orgId, storeId, true);
    const connector = connectorFor(before.platform);
    const patch: Partial<typeof stores.$inferInsert> = { updatedAt: ctx.now };
    const config = { ...before.config };
    if (input.name !== undefined) patch.name = input.name;
    if (input.syncIntervalMinutes !== undefined) config.syncIntervalMinutes = input.syncIntervalMinutes;
    if (input.priority !== undefined) config.priority = input.priority;
    if (input.connectorConfig !== undefined) {
      config.connector = checked(connector.configSchema, input.connectorConfig, 'connectorConfig');
      // A sync checkpoint holds the channel's own cursor (a scroll id, a feed snapshot): meaningless once the settings point elsewhere.
      patch.syncState = null;
    }
    patch.config = config;
    if (input.credentials !== undefined) {
      if (before.status === 'disconnected') throw conflict('The store is disconnected: connect it again instead', { status: before.status });
      const credentials = checked(connector.credentialsSchema, input.credentials, 'credentials') as Record<string, unknown>;
      patch.credentialsEncrypted = sealCredentials(deps.secretKey, ctx.orgId, storeId, credentials);
      patch.credentialFields = credentialFieldsOf(credentials);
    }
    if (input.webhookSecrets !== undefined) {
      patch.webhookSecretsEncrypted = sealWebhookSecrets(deps.secretKey, ctx.orgId, storeId, input.webhookSecrets);
      patch.webhookSecretCount = input.webhookSecrets.length;
    }
    const [row] = await tx
      .update(stores)
      .set(patch)
      .where(and(eq(stores.id, storeId), eq(stores.orgId, ctx.orgId)))
      .returning();
    if (!row) throw notFound('store', { storeId });
    const after = { ...auditView(row), ...(input.credentials !== undefined ? { credentialsReplaced: true } : {}) };
    await recordAudit(tx, ctx, { action: 'store.updated', resourceType: 'store', resourceId: storeId, before: auditView(before), after });
    return toStoreView(row);
  });
}

const transitions: Record<'pause' | 'resume' | 'disconnect', { from: string[]; to: string }> = {
  pause: { from: ['active', 'error'], to: 'paused' },
  resume: { from: ['paused', 'error'], to: 'active' },
  disconnect: { from: ['active', 'paused', 'error'], to: 'disconnected' },
};

/** Pause, resume, disconnect (which wipes credentials and webhook secrets). Guarded by the status it leaves from. */
export async function transitionStore(ctx: Ctx, storeId: string, action: keyof typeof transitions): Promise<StoreView> {
  const { from, to } = transitions[action];
  return withTransaction(ctx.db, async (tx) => {
    const before = await requireRow(tx, ctx.orgId, storeId, true);
    if (!from.includes(before.status)) {
      throw new AppError('CONFLICT', `Cannot ${action} a store that is ${before.status}`, { status: before.status, allowedFrom: from });
    }
    const wipe =
      action === 'disconnect' ? { credentialsEncrypted: null, credentialFields: [], webhookSecretsEncrypted: null, webhookSecretCount: 0 } : ({} as const);
    const [row] = await tx
      .update(stores)
      .set({ status: to, updatedAt: ctx.now, ...wipe })
      .where(and(eq(stores.id, storeId), eq(stores.orgId, ctx.orgId), eq(stores.status, before.status)))
      .returning();
    if (!row) throw conflict('The store changed meanwhile; try again');
    await recordAudit(tx, ctx, {
      action: `store.${action === 'disconnect' ? 'disconnected' : action === 'pause' ? 'paused' : 'resumed'}`,
      resourceType: 'store',
      resourceId: storeId,
      before: auditView(before),
      after: auditView(row),
    });
    return toStoreView(row);
  });
}

/**
 * The channel says Nexo's access to the store is gone (Shopify `app/uninstalled`): the store goes to `error` with the
 * reason in its health, so syncs and webhooks stop until someone reconnects it (reconnecting sets it active again).
 * Only an active store moves; returns whether this call moved it.
 */
export async function markStoreAccessRevoked(
  db: DbOrTx,
  input: { orgId: string; storeId: string; reason: string; topic: string; now: Date },
): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    const before = await findStoreRow(tx, input.orgId, input.storeId);
    if (before?.status !== 'active') return false;
    const health = { ...before.health, accessRevoked: { at: input.now.toISOString(), topic: input.topic, reason: input.reason } };
    const [row] = await tx
      .update(stores)
      .set({ status: 'error', health, updatedAt: input.now })
      .where(and(eq(stores.id, input.storeId), eq(stores.orgId, input.orgId), eq(stores.status, 'active')))
      .returning();
    if (!row) return false;
    const scope = { orgId: input.orgId, actor: systemActor(`webhook ${input.topic}`), requestId: null, ip: null, now: input.now };
    await recordAudit(tx, scope, {
      action: 'store.access_revoked',
      resourceType: 'store',
      resourceId: input.storeId,
      before: auditView(before),
      after: auditView(row),
    });
    return true;
  });
}

export async function listStoreViews(ctx: Pick<Ctx, 'orgId' | 'db'>): Promise<StoreView[]> {
  const rows = await ctx.db.select().from(stores).where(eq(stores.orgId, ctx.orgId)).orderBy(stores.createdAt, stores.id);
  return rows.map(toStoreView);
}

export async function getStoreView(ctx: Pick<Ctx, 'orgId' | 'db'>, storeId: string): Promise<StoreView> {
  return toStoreView(await requireRow(ctx.db, ctx.orgId, storeId));
}

export { requireRow as requireStoreRow };

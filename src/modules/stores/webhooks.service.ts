import { and, eq, lt, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { Db, Tx } from '../../db/client.ts';
import { withTransaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import { upsertChannelProducts } from '../catalog/index.ts';
import { connectorFor } from './store-admin.service.ts';
import { clientForStore, isChannelError, type StoreCallDeps } from './store-connection.service.ts';
import { openCredentials, openWebhookSecrets } from './store-secrets.ts';
import { isUuid } from './stores.service.ts';
import { stores, webhookEvents } from './stores.tables.ts';

export interface WebhookReceiveDeps {
  secretKey: Buffer;
  channels: Config['channels'];
  /** Enqueues `webhooks.process` inside the transaction that stores the event. */
  enqueue(tx: Tx, job: { orgId: string; storeId: string; webhookEventId: string }): Promise<unknown>;
}

/** App-level secrets that also sign a platform's webhooks (Shopify signs with the app's client secret; the previous one during rotation). */
const appSecretsOf = (channels: Config['channels'], platform: string): string[] =>
  platform === 'shopify' ? [channels.shopify.clientSecret, channels.shopify.previousClientSecret].filter((s): s is string => Boolean(s)) : [];

const parsePayload = (raw: Buffer): unknown => {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
};

/**
 * One inbound delivery: the store named by the URL (unknown, disconnected or of another platform → 404),
 * the signature over the exact bytes with every active secret (bad or missing → 401), the account it is
 * about must be that store's (→ 404), then stored once per channel event id; a new event gets its job.
 */
export async function receiveWebhook(
  db: Db,
  deps: WebhookReceiveDeps,
  input: { platform: string; storeId: string; rawBody: Buffer; headers: Record<string, string | string[] | undefined>; now: Date },
): Promise<{ eventId: string; duplicate: boolean }> {
  const missing = () => notFound('store', { storeId: input.storeId });
  if (!isUuid(input.storeId)) throw missing();
  const [store] = await db.select().from(stores).where(eq(stores.id, input.storeId));
  if (!store || store.platform !== input.platform || store.status === 'disconnected') throw missing();
  const scheme = connectorFor(store.platform).webhooks;
  if (!scheme) throw missing();
  const secrets = [...openWebhookSecrets(deps.secretKey, store.orgId, store.id, store.webhookSecretsEncrypted), ...appSecretsOf(deps.channels, store.platform)];
  if (scheme.secretsFromCredentials && store.credentialsEncrypted)
    secrets.push(...scheme.secretsFromCredentials(openCredentials(deps.secretKey, store.orgId, store.id, store.credentialsEncrypted)));
  const verified = secrets.length > 0 ? scheme.verify({ rawBody: input.rawBody, headers: input.headers, secrets, now: input.now }) : null;
  if (!verified) throw new AppError('UNAUTHORIZED', `Webhook signature (${scheme.signatureHeader}) is missing or invalid`);
  if (verified.accountId !== store.externalId) throw missing();
  return withTransaction(db, async (tx) => {
    const [row] = await tx
      .insert(webhookEvents)
      .values({
        id: uuidv7(input.now.getTime()),
        orgId: store.orgId,
        storeId: store.id,
        platform: store.platform,
        eventId: verified.eventId,
        topic: verified.topic,
        resourceType: verified.resource.type,
        resourceId: verified.resource.id,
        payload: parsePayload(input.rawBody),
        receivedAt: input.now,
      })
      .onConflictDoNothing({ target: [webhookEvents.storeId, webhookEvents.eventId] })
      .returning({ id: webhookEvents.id });
    if (!row) return { eventId: verified.eventId, duplicate: true };
    await deps.enqueue(tx, { orgId: store.orgId, storeId: store.id, webhookEventId: row.id });
    return { eventId: verified.eventId, duplicate: false };
  });
}

/**
 * The `webhooks.process` job: webhooks are hints, so the resource is re-fetched from the channel with the
 * store's own credentials (through its breaker and token bucket). Until the read-side sync tables exist
 * the outcome records what would be synced. Runs once per event (a processed event is left alone).
 */
export async function processWebhookEvent(
  db: Db,
  storeDeps: StoreCallDeps,
  input: { orgId: string; storeId: string; webhookEventId: string },
  log: Logger,
): Promise<Record<string, unknown>> {
  const deps = { ...storeDeps, db };
  const [event] = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.id, input.webhookEventId), eq(webhookEvents.orgId, input.orgId), eq(webhookEvents.storeId, input.storeId)));
  if (!event) return { skipped: 'event not found (pruned?)' };
  if (event.status !== 'received') return { skipped: `already ${event.status}` };
  const finish = async (status: 'processed' | 'skipped' | 'failed', result: Record<string, unknown>, error: string | null = null) => {
    await db
      .update(webhookEvents)
      .set({ status, result, error, processedAt: new Date() })
      .where(and(eq(webhookEvents.id, event.id), eq(webhookEvents.status, 'received')));
    return { status, ...result };
  };
  const [store] = await db
    .select()
    .from(stores)
    .where(and(eq(stores.id, input.storeId), eq(stores.orgId, input.orgId)));
  if (store?.status !== 'active') return finish('skipped', { reason: `store is ${store?.status ?? 'gone'}` });
  const ctx = { orgId: input.orgId, db, log };
  const { resourceType: type, resourceId: id, topic } = event;
  try {
    if (type === 'product' && id && !topic.endsWith('/delete')) {
      const product = await deps.limits.withStoreLimits(ctx, store.id, { operation: 'getProduct' }, async (io) => {
        const client = clientForStore(deps, store, io.signal);
        const channelId = store.platform === 'shopify' && !id.startsWith('gid://') ? `gid://shopify/Product/${id}` : id;
        return client.getProduct ? client.getProduct(channelId) : null;
      });
      if (!product) return finish('processed', { topic, product: { deletedOnChannel: id } });
      await upsertChannelProducts(db, { orgId: input.orgId, storeId: store.id, now: new Date() }, [
        { product, listings: clientForStore(deps, store).listingsOf(product) },
      ]);
      const synced = {
        channelId: product.channelId,
        title: product.title,
        status: product.status,
        variants: product.variants.map((v) => ({ sku: v.sku, channelId: v.channelId })),
      };
      return finish('processed', { topic, synced: { product: synced } });
    }
    return finish('processed', { topic, syncRequested: { [type ?? 'other']: id }, note: 'an incremental sync of the store picks it up' });
  } catch (error) {
    if (isChannelError(error) && error.retryable === false) return finish('failed', { topic }, error.message);
    throw error;
  }
}

export async function pruneWebhookEvents(db: Db, retentionHours: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - Math.max(72, retentionHours) * 3_600_000);
  const deleted = await db.delete(webhookEvents).where(lt(webhookEvents.receivedAt, cutoff)).returning({ id: webhookEvents.id });
  return deleted.length;
}

export interface WebhookEventView {
  id: string;
  eventId: string;
  topic: string;
  resourceType: string | null;
  resourceId: string | null;
  status: string;
  error: string | null;
  result: Record<string, unknown> | null;
  receivedAt: string;
  processedAt: string | null;
}

/** The store's latest webhook events (the Stores page's log); another org's store is NOT_FOUND. */
export async function listWebhookEvents(ctx: { orgId: string; db: Db }, storeId: string, limit = 50): Promise<WebhookEventView[]> {
  if (!isUuid(storeId)) throw notFound('store', { storeId });
  const [store] = await ctx.db
    .select({ id: stores.id })
    .from(stores)
    .where(and(eq(stores.id, storeId), eq(stores.orgId, ctx.orgId)));
  if (!store) throw notFound('store', { storeId });
  const rows = await ctx.db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.orgId, ctx.orgId), eq(webhookEvents.storeId, storeId)))
    .orderBy(sql`${webhookEvents.receivedAt} desc`)
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    eventId: r.eventId,
    topic: r.topic,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    status: r.status,
    error: r.error,
    result: r.result ?? null,
    receivedAt: r.receivedAt.toISOString(),
    processedAt: r.processedAt?.toISOString() ?? null,
  }));
}

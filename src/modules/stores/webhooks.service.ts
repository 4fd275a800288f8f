import { and, eq, lt, ne, sql } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import { connectorById, type VerifiedWebhook } from '../../connectors/registry.ts';
import type { Db, Tx } from '../../db/client.ts';
import { withTransaction } from '../../db/transaction.ts';
import { AppError, notFound, validation } from '../../lib/errors.ts';
import { uuidv7 } from '../../lib/ids.ts';
import type { Logger } from '../../lib/logger.ts';
import { upsertChannelProducts } from '../catalog/index.ts';
import { upsertChannelOrders } from '../orders/index.ts';
import { oauthAppOf } from './oauth-apps.ts';
import { connectorFor, markStoreAccessRevoked } from './store-admin.service.ts';
import { isChannelError, type StoreCallDeps, storeClients } from './store-connection.service.ts';
import { openCredentials, openWebhookSecrets } from './store-secrets.ts';
import { isUuid, type StoreRow } from './stores.service.ts';
import { stores, webhookEvents } from './stores.tables.ts';

export interface WebhookReceiveDeps {
  secretKey: Buffer;
  channels: Config['channels'];
  /** Enqueues `webhooks.process` inside the transaction that stores the event. */
  enqueue(tx: Tx, job: { orgId: string; storeId: string; webhookEventId: string }): Promise<unknown>;
}

/** App-level secrets that also sign a platform's webhooks (Shopify signs with the app's client secret; the previous one during rotation). */
export const appSecretsOf = (channels: Config['channels'] | undefined, platform: string): string[] =>
  platform === 'shopify' && channels ? [channels.shopify.clientSecret, channels.shopify.previousClientSecret].filter((s): s is string => Boolean(s)) : [];

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
  input: { platform: string; storeId: string; rawBody: Buffer; headers: Record<string, string | string[] | undefined>; now: Date; url?: string },
): Promise<{ eventId: string; duplicate: boolean }> {
  const missing = () => notFound('store', { storeId: input.storeId });
  if (!isUuid(input.storeId)) throw missing();
  const [store] = await db.select().from(stores).where(eq(stores.id, input.storeId));
  if (!store || store.platform !== input.platform || store.status === 'disconnected') throw missing();
  const scheme = connectorFor(store.platform).webhooks;
  if (!scheme) throw missing();
  const fromCredentials =
    scheme.credentialSecrets && store.credentialsEncrypted
      ? scheme.credentialSecrets(openCredentials(deps.secretKey, store.orgId, store.id, store.credentialsEncrypted))
      : [];
  const secrets = [
    ...openWebhookSecrets(deps.secretKey, store.orgId, store.id, store.webhookSecretsEncrypted),
    ...appSecretsOf(deps.channels, store.platform),
    ...fromCredentials,
  ];
  const verified =
    secrets.length > 0
      ? scheme.verify({ rawBody: input.rawBody, headers: input.headers, secrets, now: input.now, ...(input.url ? { url: input.url } : {}) })
      : null;
  if (!verified) throw new AppError('UNAUTHORIZED', `Webhook signature (${scheme.signatureHeader}) is missing or invalid`);
  if (verified.accountId !== store.externalId) throw missing();
  return withTransaction(db, async (tx) => {
    const stored = await storeEvent(tx, deps, store, verified, parsePayload(input.rawBody), input.now);
    return { eventId: verified.eventId, duplicate: !stored };
  });
}

/** Stores one event for one store (once per channel event id) and queues its job in the same transaction; false when already stored. */
async function storeEvent(
  tx: Tx,
  deps: Pick<WebhookReceiveDeps, 'enqueue'>,
  store: Pick<StoreRow, 'id' | 'orgId' | 'platform'>,
  event: VerifiedWebhook,
  payload: unknown,
  now: Date,
): Promise<boolean> {
  const [row] = await tx
    .insert(webhookEvents)
    .values({
      id: uuidv7(now.getTime()),
      orgId: store.orgId,
      storeId: store.id,
      platform: store.platform,
      eventId: event.eventId,
      topic: event.topic,
      resourceType: event.resource.type,
      resourceId: event.resource.id,
      payload,
      receivedAt: now,
    })
    .onConflictDoNothing({ target: [webhookEvents.storeId, webhookEvents.eventId] })
    .returning({ id: webhookEvents.id });
  if (row) await deps.enqueue(tx, { orgId: store.orgId, storeId: store.id, webhookEventId: row.id });
  return Boolean(row);
}

export type AppNotificationOutcome = { eventId: string; stores: number; duplicate: boolean } | { eventId: string | null; stores: 0; ignored: string };

/**
 * An app-wide, unsigned notification (Mercado Livre posts every seller's to one URL): parsed (malformed → 400),
 * checked to name this deployment's application, routed by the seller to every connected store of that account
 * (in any org) and stored once per store and event, each with its job. Nothing in it is trusted: the job
 * re-fetches the resource with the store's token. An unknown seller or another application is ignored (200).
 */
export async function receiveAppNotification(
  db: Db,
  deps: WebhookReceiveDeps,
  input: { platform: string; rawBody: Buffer; now: Date },
): Promise<AppNotificationOutcome> {
  const scheme = connectorById(input.platform)?.notifications;
  if (!scheme) throw notFound('notification route', { platform: input.platform });
  const event = scheme.parse(input.rawBody);
  if (!event) throw validation(`Not a ${input.platform} notification`, { field: 'body' });
  const app = oauthAppOf(deps.channels, input.platform);
  if (app && event.applicationId !== app.clientId) return { eventId: event.eventId, stores: 0, ignored: 'another application' };
  const targets = await db
    .select()
    .from(stores)
    .where(and(eq(stores.platform, input.platform), eq(stores.externalId, event.accountId), ne(stores.status, 'disconnected')));
  if (targets.length === 0) return { eventId: event.eventId, stores: 0, ignored: 'no connected store for this account' };
  return withTransaction(db, async (tx) => {
    let stored = 0;
    const payload = parsePayload(input.rawBody);
    for (const store of targets) if (await storeEvent(tx, deps, store, event, payload, input.now)) stored++;
    return { eventId: event.eventId, stores: targets.length, duplicate: stored === 0 };
  });
}

/**
 * The `webhooks.recover` job: channels that keep undelivered webhooks (Shopee's lost pushes) are asked for
 * them with each active store's credentials; every event is stored for the store(s) of that channel account
 * (deduplicated exactly like a live delivery, so a push that did arrive is not processed twice), and the page
 * is confirmed only after it is committed. At most `maxPages` pages per store and run.
 */
export async function recoverLostWebhooks(
  db: Db,
  deps: Pick<WebhookReceiveDeps, 'secretKey' | 'enqueue'> & { fetch?: typeof fetch },
  options: { maxPages?: number; now?: Date } = {},
): Promise<{ stores: number; recovered: number; stored: number; failures: string[] }> {
  const candidates = (await db.select().from(stores).where(eq(stores.status, 'active'))).filter(
    (s) => s.credentialsEncrypted && connectorFor(s.platform).webhooks?.recoverLost,
  );
  let recovered = 0;
  let stored = 0;
  const failures: string[] = [];
  for (const store of candidates) {
    const recover = connectorFor(store.platform).webhooks?.recoverLost;
    if (!recover) continue;
    try {
      for (let pageNo = 0; pageNo < (options.maxPages ?? 10); pageNo++) {
        const page = await recover({
          credentials: openCredentials(deps.secretKey, store.orgId, store.id, store.credentialsEncrypted as string),
          config: (store.config.connector as Record<string, unknown> | undefined) ?? {},
          ...(deps.fetch ? { fetch: deps.fetch } : {}),
        });
        recovered += page.events.length;
        await withTransaction(db, async (tx) => {
          for (const { verified, payload } of page.events) {
            const owners = await tx
              .select({ id: stores.id, orgId: stores.orgId, platform: stores.platform })
              .from(stores)
              .where(and(eq(stores.platform, store.platform), eq(stores.externalId, verified.accountId), eq(stores.status, 'active')));
            for (const owner of owners) if (await storeEvent(tx, deps, owner, verified, payload, options.now ?? new Date())) stored++;
          }
        });
        await page.confirm();
        if (!page.hasMore) break;
      }
    } catch (error) {
      if (!isChannelError(error)) throw error;
      failures.push(`${store.id}: ${error.message}`);
    }
  }
  return { stores: candidates.length, recovered, stored, failures };
}

/** Topics that say Nexo's access to the store is gone, with what the store then shows. */
const accessRevokedTopics: Record<string, string> = {
  'app/uninstalled': 'The Nexo app was uninstalled from the shop: reconnect the store to install it again',
};

/**
 * The `webhooks.process` job: a webhook or notification is a hint, so the resource it names is re-fetched from
 * the channel with the store's own credentials (through its breaker and token bucket) and upserted: a product
 * with its listings and stock, an order with its lines (an older copy never overwrites a newer one, so
 * out-of-order deliveries are harmless). Stock changes queue an incremental sync; topics Nexo does not mirror
 * are recorded. Runs once per event (a processed event is left alone).
 */
export async function processWebhookEvent(
  db: Db,
  deps: StoreCallDeps,
  input: { orgId: string; storeId: string; webhookEventId: string },
  log: Logger,
): Promise<Record<string, unknown>> {
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
  const revoked = accessRevokedTopics[event.topic];
  if (revoked) {
    const moved = await markStoreAccessRevoked(db, { orgId: input.orgId, storeId: store.id, reason: revoked, topic: event.topic, now: new Date() });
    log.warn({ storeId: store.id, topic: event.topic }, 'channel revoked access to the store');
    return finish('processed', { topic: event.topic, store: moved ? 'error' : store.status, reason: revoked });
  }
  const ctx = { orgId: input.orgId, db, log };
  const scope = () => ({ orgId: input.orgId, storeId: store.id, now: new Date() });
  const clientFor = storeClients(db, deps, store);
  const { resourceType: type, resourceId: id, topic } = event;
  try {
    if (type === 'product' && id && !topic.endsWith('/delete')) {
      const product = await deps.limits.withStoreLimits(ctx, store.id, { operation: 'getProduct' }, async (io) => {
        const client = clientFor(io.signal, io.report);
        return client.getProduct ? client.getProduct(id) : null;
      });
      if (!product) return finish('processed', { topic, product: { deletedOnChannel: id } });
      await upsertChannelProducts(db, scope(), [{ product, listings: clientFor().listingsOf(product) }]);
      const synced = {
        channelId: product.channelId,
        title: product.title,
        status: product.status,
        variants: product.variants.map((v) => ({ sku: v.sku, channelId: v.channelId })),
      };
      return finish('processed', { topic, synced: { product: synced } });
    }
    if (type === 'order' && id) {
      const order = await deps.limits.withStoreLimits(ctx, store.id, { operation: 'getOrder' }, async (io) => {
        const client = clientFor(io.signal, io.report);
        return client.getOrder ? client.getOrder(id) : undefined;
      });
      if (order === undefined) return finish('processed', { topic, syncRequested: { order: id }, note: 'an incremental sync of the store picks it up' });
      if (!order) return finish('processed', { topic, order: { notFoundOnChannel: id } });
      await upsertChannelOrders(db, scope(), [order]);
      return finish('processed', { topic, synced: { order: { channelId: order.channelId, number: order.number, updatedAt: order.updatedAt } } });
    }
    if (type === 'inventory') return finish('processed', { topic, syncRequested: { inventory: id }, note: 'an incremental sync of the store picks it up' });
    return finish('processed', { topic, ignored: 'Nexo does not mirror this topic' });
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

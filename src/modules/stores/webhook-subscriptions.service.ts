import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Logger } from '../../lib/logger.ts';
import { connectorFor } from './store-admin.service.ts';
import { isChannelError, type StoreCallDeps, storeClients } from './store-connection.service.ts';
import { stores } from './stores.tables.ts';
import { appSecretsOf } from './webhooks.service.ts';

export type WebhookSubscription =
  | { status: 'subscribed'; callbackUrl: string; topics: string[]; verifiable: boolean; at: string }
  | { status: 'application'; callbackUrl: string | null; note: string; at: string }
  | { status: 'skipped' | 'failed' | 'unsupported'; reason: string; at: string };

/**
 * After a store is connected: subscribes it to its connector's webhook topics at Nexo's public URL
 * (`<NEXO_PUBLIC_URL>/api/webhooks/<platform>/<storeId>`), through the store's breaker and token bucket, and
 * keeps the outcome in `health.webhooks` (the Stores page shows it). Without a public URL the channel cannot
 * reach Nexo: nothing is subscribed and the note says so (changes then arrive with the scheduled sync).
 * Channels whose notifications go to one URL per application (Mercado Livre) get a note naming that URL.
 * Retryable channel errors are thrown (the job retries); a refusal is recorded as `failed`.
 */
export async function subscribeStoreWebhooks(
  db: Db,
  deps: StoreCallDeps,
  input: { orgId: string; storeId: string; publicUrl: string | undefined },
  log: Logger,
): Promise<WebhookSubscription | { status: 'gone'; reason: string }> {
  const where = and(eq(stores.id, input.storeId), eq(stores.orgId, input.orgId));
  const [store] = await db.select().from(stores).where(where);
  if (store?.status !== 'active') return { status: 'gone', reason: `store is ${store?.status ?? 'gone'}` };
  const connector = connectorFor(store.platform);
  const base = input.publicUrl?.replace(/\/+$/, '');
  const at = new Date().toISOString();
  const record = async (outcome: WebhookSubscription) => {
    await db
      .update(stores)
      .set({ health: sql`${stores.health} || ${JSON.stringify({ webhooks: outcome })}::jsonb` })
      .where(where);
    return outcome;
  };
  if (connector.notifications) {
    const callbackUrl = base ? `${base}/api/webhooks/${connector.id}` : null;
    return record({
      status: 'application',
      callbackUrl,
      note: `${connector.name} sends notifications to the callback URL of the application (set in its developer console), not per store${callbackUrl ? `: set it to ${callbackUrl}` : '; set NEXO_PUBLIC_URL to get that URL'}`,
      at,
    });
  }
  const topics = connector.webhooks?.topics ?? [];
  if (topics.length === 0) return record({ status: 'unsupported', reason: `${connector.name} has no webhooks Nexo subscribes to`, at });
  if (!base) {
    return record({
      status: 'skipped',
      reason: 'NEXO_PUBLIC_URL is not set, so the channel cannot reach Nexo: no webhooks were subscribed (changes arrive with the scheduled sync)',
      at,
    });
  }
  const callbackUrl = `${base}/api/webhooks/${connector.id}/${store.id}`;
  const clientFor = storeClients(db, deps, store);
  try {
    await deps.limits.withStoreLimits({ orgId: input.orgId, db, log }, store.id, { operation: 'subscribeWebhooks' }, async (io) => {
      const client = clientFor(io.signal, io.report);
      if (!client.subscribeWebhooks) throw new Error(`${connector.name} cannot subscribe webhooks`);
      return client.subscribeWebhooks(callbackUrl, [...topics]);
    });
  } catch (error) {
    if (isChannelError(error) && error.retryable === false) return record({ status: 'failed', reason: error.message, at });
    throw error;
  }
  const verifiable = store.webhookSecretCount > 0 || appSecretsOf(deps.channels, store.platform).length > 0;
  return record({ status: 'subscribed', callbackUrl, topics: [...topics], verifiable, at });
}

import { and, eq, ne } from 'drizzle-orm';
import type { Config } from '../../config.ts';
import type { RateLimitSignal } from '../../connectors/registry.ts';
import type { DbOrTx } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { AppError, conflict } from '../../lib/errors.ts';
import { isPostponeJob } from '../../lib/job-control.ts';
import { guardedFetch } from '../../lib/outbound-http.ts';
import { isChannelError, reportOf } from './channel-signals.ts';
import { oauthAppOf } from './oauth-apps.ts';
import { connectorFor, requireStoreRow, type StoreSecretsDeps, strictFeeds } from './store-admin.service.ts';
import type { CallIo, StoreLimits } from './store-limits.service.ts';
import { credentialFieldsOf, openCredentials, sealCredentials } from './store-secrets.ts';
import type { StoreRow } from './stores.service.ts';
import { stores } from './stores.tables.ts';

export interface StoreCallDeps extends StoreSecretsDeps {
  limits: StoreLimits;
  /** The deployment's OAuth apps: connectors with expiring tokens (Mercado Livre) refresh them with it. */
  channels?: Config['channels'];
  /** Tests point connectors at a loopback emulator through this. */
  fetch?: typeof fetch;
}

export { isChannelError } from './channel-signals.ts';

/** A connector's rate-limit hint, reported to the store's limiter when it is one the limiter learns from. */
function passOn(hint: RateLimitSignal, report: CallIo['report']): void {
  const response = reportOf(hint);
  if (response) report(response);
}

/** How long a refused refresh waits for the rotated credentials another worker is committing. */
const RELOAD_WAIT_MS = 3_000;

/**
 * Connector clients for one store (one per call, each with that call's AbortSignal) sharing the store's
 * credentials: every refresh the connector makes is written to the store row (one UPDATE of the sealed
 * credentials, awaited before the new token is used; refresh tokens rotate and the old one dies), and the
 * next client of the factory starts from it. When the channel refuses a refresh token because another worker
 * rotated it first, `reloadCredentials` reads the row (waiting briefly for that worker's commit).
 */
export function storeClients(db: DbOrTx, deps: StoreCallDeps, row: StoreRow) {
  if (row.status === 'disconnected' || !row.credentialsEncrypted) throw conflict('The store is disconnected: connect it again first', { status: row.status });
  const connector = connectorFor(row.platform);
  const where = and(eq(stores.id, row.id), eq(stores.orgId, row.orgId), ne(stores.status, 'disconnected'));
  let sealed = row.credentialsEncrypted;
  let credentials = openCredentials(deps.secretKey, row.orgId, row.id, sealed);
  const oauthApp = deps.channels ? oauthAppOf(deps.channels, row.platform) : undefined;
  // Feed connectors fetch URLs people typed in: their requests always go through the SSRF guard (every hop, after DNS).
  const fetch = connector.auth.type === 'feed' ? guardedFetch(deps.feeds ?? strictFeeds) : deps.fetch;

  async function persist(next: Record<string, unknown>): Promise<void> {
    const nextSealed = sealCredentials(deps.secretKey, row.orgId, row.id, next);
    const updated = await db
      .update(stores)
      .set({ credentialsEncrypted: nextSealed, credentialFields: credentialFieldsOf(next) })
      .where(where)
      .returning({ id: stores.id });
    if (updated.length === 0) throw conflict('The store was disconnected while its token was refreshed');
    sealed = nextSealed;
    credentials = next;
  }

  async function reload(): Promise<Record<string, unknown>> {
    const deadline = Date.now() + RELOAD_WAIT_MS;
    for (;;) {
      const [current] = await db.select({ sealed: stores.credentialsEncrypted }).from(stores).where(where);
      if (current?.sealed && (current.sealed !== sealed || Date.now() >= deadline)) {
        sealed = current.sealed;
        credentials = openCredentials(deps.secretKey, row.orgId, row.id, sealed);
        return credentials;
      }
      if (!current?.sealed) throw conflict('The store was disconnected');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  const shared = new Map<string, Promise<unknown>>();
  return (signal?: AbortSignal, report?: CallIo['report']) =>
    connector.connect({
      shared,
      credentials,
      config: (row.config.connector as Record<string, unknown> | undefined) ?? {},
      ...(fetch ? { fetch } : {}),
      ...(signal ? { signal } : {}),
      ...(report ? { signals: (hint: RateLimitSignal) => passOn(hint, report) } : {}),
      ...(oauthApp ? { oauthApp } : {}),
      onCredentialsRefreshed: (next: unknown) => persist(next as Record<string, unknown>),
      reloadCredentials: reload,
    });
}

/** One connector client for the store, with its decrypted credentials (never leaves the server). */
export const clientForStore = (db: DbOrTx, deps: StoreCallDeps, row: StoreRow, signal?: AbortSignal) => storeClients(db, deps, row)(signal);

export interface ConnectionTestResult {
  ok: boolean;
  externalId: string | null;
  shopName: string | null;
  currency: string | null;
  latencyMs: number;
  error: string | null;
}

/** `testConnection` through the store's breaker and token bucket; the outcome lands in `health.lastTest`. */
export async function testStoreConnection(ctx: Ctx, deps: StoreCallDeps, storeId: string): Promise<ConnectionTestResult> {
  const row = await requireStoreRow(ctx.db, ctx.orgId, storeId);
  const started = performance.now();
  let result: ConnectionTestResult;
  try {
    const identity = await deps.limits.withStoreLimits(ctx, storeId, { operation: 'testConnection' }, (io) =>
      clientForStore(ctx.db, deps, row, io.signal).testConnection(),
    );
    result = { ok: true, externalId: identity.externalId, shopName: identity.name, currency: identity.currency, latencyMs: 0, error: null };
  } catch (error) {
    if (isPostponeJob(error)) {
      const seconds = Math.max(1, Math.ceil((error.until.getTime() - Date.now()) / 1000));
      throw new AppError('RATE_LIMITED', `The store cannot be called now (${error.reason}); try again in ${seconds} s`, { retryAfterSeconds: seconds });
    }
    if (!isChannelError(error)) throw error;
    result = { ok: false, externalId: null, shopName: null, currency: null, latencyMs: 0, error: error.message };
  }
  result.latencyMs = Math.round(performance.now() - started);
  const health = { ...row.health, lastTest: { at: ctx.now.toISOString(), ok: result.ok, latencyMs: result.latencyMs, error: result.error } };
  const adopt = result.ok && row.externalId === null && result.externalId ? { externalId: result.externalId } : {};
  try {
    await ctx.db
      .update(stores)
      .set({ health, ...adopt })
      .where(and(eq(stores.id, storeId), eq(stores.orgId, ctx.orgId)));
  } catch {
    // The channel id is already another store's in this org: keep the health, leave externalId unset.
    await ctx.db
      .update(stores)
      .set({ health })
      .where(and(eq(stores.id, storeId), eq(stores.orgId, ctx.orgId)));
  }
  return result;
}

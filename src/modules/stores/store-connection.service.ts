import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import type { Ctx } from '../../db/context.ts';
import { AppError, conflict } from '../../lib/errors.ts';
import { isPostponeJob } from '../../lib/job-control.ts';
import { connectorFor, requireStoreRow, type StoreSecretsDeps } from './store-admin.service.ts';
import type { StoreLimits } from './store-limits.service.ts';
import { credentialFieldsOf, openCredentials, sealCredentials } from './store-secrets.ts';
import type { StoreRow } from './stores.service.ts';
import { stores } from './stores.tables.ts';

export interface StoreCallDeps extends StoreSecretsDeps {
  limits: StoreLimits;
  /** Tests point connectors at a loopback emulator through this. */
  fetch?: typeof fetch;
  /** With it, credentials a connector rotates (expired access tokens refreshed) are stored at once and re-read on a refused refresh. */
  db?: Db;
}

/**
 * The connector's credential-rotation hooks for one store: `next` is sealed and written in one UPDATE before the
 * connector uses it (and the row in hand follows, so the next client of the same run starts from it);
 * `reloadCredentials` reads what is stored now (another worker may have rotated it first).
 */
function credentialHooks(db: Db, key: Buffer, row: StoreRow) {
  const where = and(eq(stores.id, row.id), eq(stores.orgId, row.orgId));
  return {
    async onCredentialsRefreshed(next: Record<string, unknown>) {
      const sealed = sealCredentials(key, row.orgId, row.id, next);
      await db
        .update(stores)
        .set({ credentialsEncrypted: sealed, credentialFields: credentialFieldsOf(next) })
        .where(where);
      row.credentialsEncrypted = sealed;
    },
    async reloadCredentials() {
      const [current] = await db.select({ sealed: stores.credentialsEncrypted }).from(stores).where(where);
      if (!current?.sealed) throw conflict('The store is disconnected: connect it again first', { status: 'disconnected' });
      return openCredentials(key, row.orgId, row.id, current.sealed);
    },
  };
}

/** A ConnectorError (the SDK's; modules see connectors only through the registry, so it is recognised by name). */
export const isChannelError = (error: unknown): error is Error & { kind?: string; retryable?: boolean; upstreamStatus?: number } =>
  error instanceof Error && error.name === 'ConnectorError';

/** A connector client for the store, with its decrypted credentials (never leaves the server). */
export function clientForStore(deps: StoreCallDeps, row: StoreRow, signal?: AbortSignal) {
  if (row.status === 'disconnected' || !row.credentialsEncrypted) throw conflict('The store is disconnected: connect it again first', { status: row.status });
  const connector = connectorFor(row.platform);
  const credentials = openCredentials(deps.secretKey, row.orgId, row.id, row.credentialsEncrypted);
  return connector.connect({
    credentials,
    config: (row.config.connector as Record<string, unknown> | undefined) ?? {},
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
    ...(deps.db ? credentialHooks(deps.db, deps.secretKey, row) : {}),
    ...(signal ? { signal } : {}),
  });
}

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
      clientForStore({ ...deps, db: ctx.db }, row, io.signal).testConnection(),
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

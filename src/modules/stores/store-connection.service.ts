import { and, eq } from 'drizzle-orm';
import type { Ctx } from '../../db/context.ts';
import { AppError, conflict } from '../../lib/errors.ts';
import { isPostponeJob } from '../../lib/job-control.ts';
import { guardedFetch } from '../../lib/outbound-http.ts';
import { connectorFor, requireStoreRow, type StoreSecretsDeps, strictFeeds } from './store-admin.service.ts';
import type { StoreLimits } from './store-limits.service.ts';
import { openCredentials } from './store-secrets.ts';
import type { StoreRow } from './stores.service.ts';
import { stores } from './stores.tables.ts';

export interface StoreCallDeps extends StoreSecretsDeps {
  limits: StoreLimits;
  /** Tests point connectors at a loopback emulator through this. */
  fetch?: typeof fetch;
}

/** A ConnectorError (the SDK's; modules see connectors only through the registry, so it is recognised by name). */
export const isChannelError = (error: unknown): error is Error & { kind?: string; retryable?: boolean; upstreamStatus?: number } =>
  error instanceof Error && error.name === 'ConnectorError';

/**
 * A connector client for the store, with its decrypted credentials (never leaves the server). Feed connectors
 * fetch URLs people typed in, so their requests always go through the SSRF guard (every hop, after DNS).
 */
export function clientForStore(deps: StoreCallDeps, row: StoreRow, signal?: AbortSignal) {
  if (row.status === 'disconnected' || !row.credentialsEncrypted) throw conflict('The store is disconnected: connect it again first', { status: row.status });
  const connector = connectorFor(row.platform);
  const credentials = openCredentials(deps.secretKey, row.orgId, row.id, row.credentialsEncrypted);
  const fetch = connector.auth.type === 'feed' ? guardedFetch(deps.feeds ?? strictFeeds) : deps.fetch;
  return connector.connect({
    credentials,
    config: (row.config.connector as Record<string, unknown> | undefined) ?? {},
    ...(fetch ? { fetch } : {}),
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
      clientForStore(deps, row, io.signal).testConnection(),
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

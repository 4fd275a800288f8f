import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../db/columns.ts';
import type { RateLimitState } from './token-bucket.ts';

export interface SyncState {
  mode: 'full' | 'incremental';
  phase: 'products' | 'orders';
  cursor: string | null;
  /** Incremental: only what changed since (the previous sync's start, minus an overlap). */
  since: string | null;
  startedAt: string;
  pages: number;
  /** The run working on this sync now, until when (renewed with every page); none while no run holds it (postponed, crashed). */
  runner?: { id: string; until: string } | null;
}

/** Connected channel accounts (seed 004 "stores"); the connectors issue adds credentials handling and sync fields. */
export const stores = pgTable(
  'stores',
  {
    id: uuid('id').primaryKey(),
    /** References orgs(id) on delete cascade: added by the custom migration `stores_org_fk` (a module never imports another's tables). */
    orgId: uuid('org_id').notNull(),
    platform: text('platform').notNull(),
    name: text('name').notNull(),
    /** The store's id on the channel (seller id, shop domain). */
    externalId: text('external_id'),
    status: text('status').notNull().default('active'),
    /** Per-store settings; `rateLimits` and `breaker` override the channel defaults (see docs/operations.md). */
    config: jsonb('config').$type<Record<string, unknown>>().notNull().default({}),
    /** AES-256-GCM of the credentials JSON, associated data `<org>:<store>` (store-secrets.ts). */
    credentialsEncrypted: text('credentials_encrypted'),
    /** Names of the credential fields that are set (shown instead of the values). */
    credentialFields: jsonb('credential_fields').$type<string[]>().notNull().default([]),
    /** AES-256-GCM of a JSON array of webhook signing secrets, associated data `<org>:<store>:webhooks`. */
    webhookSecretsEncrypted: text('webhook_secrets_encrypted'),
    webhookSecretCount: integer('webhook_secret_count').notNull().default(0),
    /** Token buckets shared by every worker process (token-bucket.ts), updated under a row lock. */
    rateLimitState: jsonb('rate_limit_state').$type<RateLimitState>().notNull().default({ buckets: {} }),
    health: jsonb('health').$type<Record<string, unknown>>().notNull().default({}),
    lastSyncedAt: timestamptz('last_synced_at'),
    /** The sync in progress (`stores.sync`): phase and channel cursor, saved with every page so a crash resumes there. */
    syncState: jsonb('sync_state').$type<SyncState | null>(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('stores_status_check', sql`${t.status} in ('active', 'paused', 'disconnected', 'error')`),
    index('stores_org_idx').on(t.orgId, t.createdAt),
    uniqueIndex('stores_org_external_uq').on(t.orgId, t.platform, t.externalId),
  ],
);

/** OAuth install `state`s: random, stored hashed, bound to org + user + shop, expiring, consumed once. */
export const storeOauthStates = pgTable(
  'store_oauth_states',
  {
    stateHash: text('state_hash').primaryKey(),
    orgId: uuid('org_id').notNull(),
    userId: uuid('user_id').notNull(),
    platform: text('platform').notNull(),
    shop: text('shop').notNull(),
    name: text('name'),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('store_oauth_states_expires_idx').on(t.expiresAt)],
);

/** One breaker per store × operation, shared by every process (breaker-state.ts has the transitions). */
export const circuitBreakers = pgTable(
  'circuit_breakers',
  {
    orgId: uuid('org_id').notNull(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id, { onDelete: 'cascade' }),
    operation: text('operation').notNull(),
    state: text('state').notNull().default('closed'),
    /** Consecutive failures while closed. */
    failures: integer('failures').notNull().default(0),
    /** Consecutive successful probes while half open. */
    probeSuccesses: integer('probe_successes').notNull().default(0),
    openedAt: timestamptz('opened_at'),
    nextProbeAt: timestamptz('next_probe_at'),
    /** Lease of the one probe in flight while half open. */
    probeUntil: timestamptz('probe_until'),
    probeOwner: text('probe_owner'),
    openCount: integer('open_count').notNull().default(0),
    lastError: text('last_error'),
    lastFailureAt: timestamptz('last_failure_at'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.storeId, t.operation] }),
    check('circuit_breakers_state_check', sql`${t.state} in ('closed', 'open', 'half_open')`),
    index('circuit_breakers_org_idx').on(t.orgId, t.state),
  ],
);

/**
 * Inbound channel webhooks, stored once per (store, channel event id) before they are answered and
 * processed by the `webhooks.process` job; kept at least 72 h (NEXO_WEBHOOK_RETENTION_HOURS) so retries are recognised.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id').notNull(),
    storeId: uuid('store_id')
      .notNull()
      .references(() => stores.id, { onDelete: 'cascade' }),
    platform: text('platform').notNull(),
    eventId: text('event_id').notNull(),
    topic: text('topic').notNull(),
    resourceType: text('resource_type'),
    resourceId: text('resource_id'),
    payload: jsonb('payload').$type<unknown>(),
    status: text('status').notNull().default('received'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: text('error'),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    processedAt: timestamptz('processed_at'),
  },
  (t) => [
    uniqueIndex('webhook_events_store_event_uq').on(t.storeId, t.eventId),
    index('webhook_events_org_idx').on(t.orgId, t.storeId, t.receivedAt),
    index('webhook_events_received_idx').on(t.receivedAt),
    check('webhook_events_status_check', sql`${t.status} in ('received', 'processed', 'skipped', 'failed')`),
  ],
);

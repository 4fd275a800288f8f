import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, check, index, inet, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { OrgSettings } from '../../contracts/identity.ts';
import { timestamptz } from '../../db/columns.ts';

export const orgs = pgTable('orgs', {
  id: uuid('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<OrgSettings>().notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  deletedAt: timestamptz('deleted_at'),
});

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    passwordHash: text('password_hash').notNull(),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    /** AES-GCM sealed base32 secret; set at enrolment, active once totpEnabledAt is set. */
    totpSecretEncrypted: text('totp_secret_encrypted'),
    totpEnabledAt: timestamptz('totp_enabled_at'),
    /** Highest TOTP counter accepted: a code is never accepted twice. */
    totpLastCounter: bigint('totp_last_counter', { mode: 'number' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);

export const orgMembers = pgTable(
  'org_members',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<'owner' | 'admin' | 'operator' | 'viewer'>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    index('org_members_user_idx').on(t.userId),
    check('org_members_role_check', sql`${t.role} in ('owner', 'admin', 'operator', 'viewer')`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    /** SHA-256 of the cookie value; the value itself is never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
    idleExpiresAt: timestamptz('idle_expires_at').notNull(),
    absoluteExpiresAt: timestamptz('absolute_expires_at').notNull(),
    revokedAt: timestamptz('revoked_at'),
    ip: inet('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamptz('used_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('recovery_codes_user_hash_idx').on(t.userId, t.codeHash)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    /** The public id inside the token string (nexo_<kind>_<id>_<secret>). */
    id: text('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    kind: text('kind').$type<'agent' | 'integration' | 'personal'>().notNull(),
    name: text('name').notNull(),
    agentId: text('agent_id'),
    /** Personal tokens act as this user (within its role); others record who created them. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    secretHash: text('secret_hash').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at'),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [
    index('api_tokens_org_idx').on(t.orgId),
    check('api_tokens_kind_check', sql`${t.kind} in ('agent', 'integration', 'personal')`),
    check('api_tokens_agent_check', sql`(${t.kind} = 'agent') = (${t.agentId} is not null)`),
  ],
);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role').$type<'owner' | 'admin' | 'operator' | 'viewer'>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    acceptedAt: timestamptz('accepted_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [index('invitations_org_idx').on(t.orgId)],
);

/** Failed-login counters per account and per IP, shared by every API process. */
export const authThrottle = pgTable('auth_throttle', {
  key: text('key').primaryKey(),
  failures: integer('failures').notNull().default(0),
  windowStartedAt: timestamptz('window_started_at').notNull(),
  lockedUntil: timestamptz('locked_until'),
});

/** Append-only (a trigger rejects UPDATE and DELETE). */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    /** Insertion order: a change that waited for a row lock is recorded after the one that held it. */
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    orgId: uuid('org_id').notNull(),
    at: timestamptz('at').notNull().defaultNow(),
    actorType: text('actor_type').$type<'user' | 'token' | 'system'>().notNull(),
    actorId: text('actor_id'),
    actorLabel: text('actor_label').notNull(),
    action: text('action').notNull(),
    resourceType: text('resource_type').notNull(),
    resourceId: text('resource_id'),
    changes: jsonb('changes').$type<Record<string, unknown>>(),
    requestId: text('request_id'),
    ip: inet('ip'),
  },
  (t) => [
    index('audit_log_org_at_idx').on(t.orgId, t.at.desc(), t.id.desc()),
    index('audit_log_org_seq_idx').on(t.orgId, t.seq.desc()),
    index('audit_log_org_resource_idx').on(t.orgId, t.resourceType, t.resourceId),
  ],
);

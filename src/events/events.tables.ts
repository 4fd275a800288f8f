import { bigserial, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../db/columns.ts';

/**
 * Every published event, kept for the SSE replay window (Last-Event-ID resume) and as the
 * carrier for payloads too large for a NOTIFY. The bigserial id is the SSE event id.
 */
export const events = pgTable(
  'events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    orgId: uuid('org_id'),
    type: text('type').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('events_org_id_id_idx').on(t.orgId, t.id), index('events_created_at_idx').on(t.createdAt)],
);

import { and, asc, eq, gt, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { EventMessage } from '../contracts/system.ts';
import { bulkInsert } from '../db/bulk-insert.ts';
import type { Database, DbOrTx, Unlisten } from '../db/client.ts';
import type { Logger } from '../lib/logger.ts';
import { events } from './events.tables.ts';

export const EVENTS_CHANNEL = 'nexo_events';
/** PostgreSQL's NOTIFY payload limit is 8000 bytes; larger events travel by id through the table. */
const MAX_INLINE_NOTIFY_BYTES = 7000;

/**
 * Who may see an event: `orgId: null` is the system scope (events with no org).
 * An org scope sees its own org's events; it never sees another org's.
 */
export interface EventScope {
  orgId: string | null;
}

type Listener = (event: EventMessage) => void;

interface NotifyEnvelope {
  id: string;
  orgId: string | null;
  type?: string;
  payload?: Record<string, unknown>;
  createdAt?: string;
}

const toMessage = (row: typeof events.$inferSelect): EventMessage => ({
  id: row.id.toString(),
  type: row.type,
  orgId: row.orgId,
  payload: row.payload,
  createdAt: row.createdAt.toISOString(),
});

const inScope = (scope: EventScope, orgId: string | null) => orgId === scope.orgId;

const scopeWhere = (scope: EventScope): SQL | undefined => (scope.orgId === null ? isNull(events.orgId) : eq(events.orgId, scope.orgId));

const notifyEnvelope = (message: EventMessage) => {
  const inline = JSON.stringify(message);
  return Buffer.byteLength(inline) <= MAX_INLINE_NOTIFY_BYTES ? inline : JSON.stringify({ id: message.id, orgId: message.orgId });
};

/**
 * For a data-modifying WITH clause that inserts events (`cte` names it, RETURNING *): a SELECT that
 * NOTIFYs each of its rows in id order with the envelope notifyEnvelope builds (the whole message up
 * to MAX_INLINE_NOTIFY_BYTES, else id and org), answering the count. Reference it from the main query:
 * PostgreSQL skips a plain SELECT in WITH that nothing reads.
 */
export function notifyInsertedEventsSql(cte: string): SQL {
  const name = sql.raw(`"${cte}"`);
  const full = sql`jsonb_build_object('id', ${name}.id::text, 'type', ${name}.type, 'orgId', ${name}.org_id, 'payload', ${name}.payload,
    'createdAt', to_char(${name}.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))::text`;
  return sql`select count(*) as notified from (
    select pg_notify(${EVENTS_CHANNEL}, case when octet_length(m.full) <= ${MAX_INLINE_NOTIFY_BYTES} then m.full
      else jsonb_build_object('id', m.id::text, 'orgId', m.org_id)::text end)
    from (select ${name}.id, ${name}.org_id, ${full} as full from ${name}) as m order by m.id) as n`;
}

/** Stores an event and NOTIFYs every process; pass a transaction to publish only if it commits. */
export async function publishEvent(db: DbOrTx, orgId: string | null, type: string, payload: Record<string, unknown>): Promise<EventMessage> {
  const [message] = await publishEvents(db, [{ orgId, type, payload }]);
  if (!message) throw new Error('event insert returned no row');
  return message;
}

/** publishEvent for many events: one INSERT and one NOTIFY statement, whatever the count. */
export async function publishEvents(db: DbOrTx, list: { orgId: string | null; type: string; payload: Record<string, unknown> }[]): Promise<EventMessage[]> {
  if (list.length === 0) return [];
  const rows = await bulkInsert(db, events, list);
  const messages = rows.sort((a, b) => (a.id < b.id ? -1 : 1)).map(toMessage);
  if (messages.length === 1) await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${notifyEnvelope(messages[0] as EventMessage)})`);
  else
    await db.execute(
      sql`select pg_notify(${EVENTS_CHANNEL}, e) from json_array_elements_text(${JSON.stringify(messages.map(notifyEnvelope))}::json) with ordinality as t(e, n) order by n`,
    );
  return messages;
}

/**
 * Events across processes: publish stores the event and NOTIFYs in the caller's transaction
 * (so listeners hear it only once it committed); every process LISTENs once and fans out.
 */
export function createEventBus(database: Database, log: Logger) {
  const listeners = new Set<{ scope: EventScope; fn: Listener }>();
  const allListeners = new Set<Listener>();
  let unlisten: Unlisten | undefined;
  let lastSeenId = 0n;

  const deliver = (message: EventMessage) => {
    const id = BigInt(message.id);
    if (id > lastSeenId) lastSeenId = id;
    for (const fn of allListeners) fn(message);
    for (const listener of listeners) {
      if (!inScope(listener.scope, message.orgId)) continue;
      try {
        listener.fn(message);
      } catch (error) {
        log.warn({ err: error }, 'event listener threw');
      }
    }
  };

  const fetchById = async (id: string) => {
    const [row] = await database.db
      .select()
      .from(events)
      .where(eq(events.id, BigInt(id)));
    return row ? toMessage(row) : null;
  };

  const onNotify = (raw: string) => {
    let envelope: NotifyEnvelope;
    try {
      envelope = JSON.parse(raw) as NotifyEnvelope;
    } catch {
      log.warn({ raw: raw.slice(0, 200) }, 'ignored malformed event notification');
      return;
    }
    if (envelope.payload && envelope.type && envelope.createdAt) {
      deliver({ id: envelope.id, orgId: envelope.orgId, type: envelope.type, payload: envelope.payload, createdAt: envelope.createdAt });
      return;
    }
    fetchById(envelope.id)
      .then((message) => message && deliver(message))
      .catch((error) => log.warn({ err: error, id: envelope.id }, 'could not load a large event'));
  };

  /** After a lost listener connection: deliver whatever was committed meanwhile. */
  const catchUp = async () => {
    const rows = await database.db.select().from(events).where(gt(events.id, lastSeenId)).orderBy(asc(events.id)).limit(10_000);
    for (const row of rows) deliver(toMessage(row));
  };

  return {
    async start(): Promise<void> {
      const [row] = await database.db.select({ max: sql<string | null>`max(${events.id})::text` }).from(events);
      lastSeenId = BigInt(row?.max ?? 0);
      unlisten = await database.listen(EVENTS_CHANNEL, onNotify, () => {
        catchUp().catch((error) => log.warn({ err: error }, 'event catch-up failed'));
      });
    },

    async stop(): Promise<void> {
      listeners.clear();
      await unlisten?.();
      unlisten = undefined;
    },

    /** Stores the event and notifies every process; pass a transaction to publish only if it commits. */
    publish: publishEvent,

    subscribe(scope: EventScope, fn: Listener): () => void {
      const entry = { scope, fn };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },

    /** Every org's events, for this process's own caches (never for a client stream). */
    subscribeAll(fn: Listener): () => void {
      allListeners.add(fn);
      return () => allListeners.delete(fn);
    },

    /** Events after `afterId` in the scope, oldest first (SSE Last-Event-ID resume). */
    async replay(scope: EventScope, afterId: string, limit = 1000): Promise<EventMessage[]> {
      const rows = await database.db
        .select()
        .from(events)
        .where(and(gt(events.id, BigInt(afterId)), scopeWhere(scope)))
        .orderBy(asc(events.id))
        .limit(limit);
      return rows.map(toMessage);
    },

    async prune(retentionHours: number, now = new Date()): Promise<number> {
      const cutoff = new Date(now.getTime() - retentionHours * 3600_000);
      const deleted = await database.db.delete(events).where(lt(events.createdAt, cutoff)).returning({ id: events.id });
      return deleted.length;
    },
  };
}

export type EventBus = ReturnType<typeof createEventBus>;

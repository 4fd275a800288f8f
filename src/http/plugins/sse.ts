import type { ServerResponse } from 'node:http';
import type { EventMessage } from '../../contracts/system.ts';
import type { Database, Unlisten } from '../../db/client.ts';
import type { EventBus, EventScope } from '../../events/event-bus.ts';
import { listenRevocations, type Revocation } from '../../events/revocations.ts';

const frame = (message: EventMessage) => `id: ${message.id}\nevent: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`;

/** Who opened a stream: a revoked credential ends it at once; `revalidate` catches expiry at each heartbeat. */
export interface StreamOwner {
  sessionId?: string;
  tokenId?: string;
  userId?: string | null;
  revalidate: () => Promise<boolean>;
}

interface OpenStream {
  res: ServerResponse;
  scope: EventScope;
  owner: StreamOwner;
}

const revokes = (r: Revocation, s: OpenStream) =>
  (s.owner.sessionId !== undefined && (r.sessionIds ?? []).includes(s.owner.sessionId)) ||
  (s.owner.tokenId !== undefined && (r.tokenIds ?? []).includes(s.owner.tokenId)) ||
  (r.member !== undefined && s.owner.userId === r.member.userId && s.scope.orgId === r.member.orgId);

/**
 * Server-Sent Events over the event bus: replay after Last-Event-ID, then live, with heartbeats.
 * Live events that arrive during the replay are buffered and de-duplicated by id.
 */
export function createSseHub(bus: EventBus, database: Database, heartbeatMs: number) {
  const open = new Set<OpenStream>();
  let unlisten: Unlisten | undefined;
  const listening = listenRevocations(database, (revocation) => {
    for (const stream of open) if (revokes(revocation, stream)) stream.res.end();
  }).then((fn) => {
    unlisten = fn;
  });

  return {
    ready: listening,

    get size() {
      return open.size;
    },

    async stream(res: ServerResponse, scope: EventScope, owner: StreamOwner, lastEventId: string | undefined): Promise<void> {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write(`retry: 3000\n\n`);
      const entry: OpenStream = { res, scope, owner };
      open.add(entry);

      let lastSent = 0n;
      let replaying = lastEventId !== undefined;
      const pending: EventMessage[] = [];
      const send = (message: EventMessage) => {
        const id = BigInt(message.id);
        if (id <= lastSent || res.writableEnded) return;
        lastSent = id;
        res.write(frame(message));
      };
      const unsubscribe = bus.subscribe(scope, (message) => (replaying ? pending.push(message) : send(message)));
      const heartbeat = setInterval(() => {
        owner.revalidate().then(
          (valid) => (valid ? res.write(`: heartbeat ${new Date().toISOString()}\n\n`) : res.end()),
          () => res.end(),
        );
      }, heartbeatMs);
      heartbeat.unref();
      res.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(entry);
      });

      if (lastEventId !== undefined) {
        for (const message of await bus.replay(scope, lastEventId)) send(message);
        replaying = false;
        for (const message of pending.splice(0)) send(message);
      }
    },

    /** Ends every stream so a graceful shutdown is not held open by clients. */
    async closeAll(): Promise<void> {
      for (const stream of open) stream.res.end();
      open.clear();
      await listening;
      await unlisten?.();
    },
  };
}

export type SseHub = ReturnType<typeof createSseHub>;

import type { ServerResponse } from 'node:http';
import type { EventMessage } from '../../contracts/system.ts';
import type { EventBus, EventScope } from '../../events/event-bus.ts';

const frame = (message: EventMessage) => `id: ${message.id}\nevent: ${message.type}\ndata: ${JSON.stringify(message)}\n\n`;

/**
 * Server-Sent Events over the event bus: replay after Last-Event-ID, then live, with heartbeats.
 * Live events that arrive during the replay are buffered and de-duplicated by id.
 */
export function createSseHub(bus: EventBus, heartbeatMs: number) {
  const open = new Set<ServerResponse>();

  return {
    get size() {
      return open.size;
    },

    async stream(res: ServerResponse, scope: EventScope, lastEventId: string | undefined): Promise<void> {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write(`retry: 3000\n\n`);
      open.add(res);

      let lastSent = 0n;
      let replaying = lastEventId !== undefined;
      const pending: EventMessage[] = [];
      const send = (message: EventMessage) => {
        const id = BigInt(message.id);
        if (id <= lastSent) return;
        lastSent = id;
        res.write(frame(message));
      };
      const unsubscribe = bus.subscribe(scope, (message) => (replaying ? pending.push(message) : send(message)));
      const heartbeat = setInterval(() => res.write(`: heartbeat ${new Date().toISOString()}\n\n`), heartbeatMs);
      heartbeat.unref();
      res.on('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        open.delete(res);
      });

      if (lastEventId !== undefined) {
        for (const message of await bus.replay(scope, lastEventId)) send(message);
        replaying = false;
        for (const message of pending.splice(0)) send(message);
      }
    },

    /** Ends every stream so a graceful shutdown is not held open by clients. */
    closeAll(): void {
      for (const res of open) res.end();
      open.clear();
    },
  };
}

export type SseHub = ReturnType<typeof createSseHub>;

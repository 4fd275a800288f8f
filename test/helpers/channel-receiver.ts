import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  /** Arrival time, epoch milliseconds with sub-millisecond precision. */
  at: number;
  path: string;
  lane: string | null;
}

export type Responder = (req: IncomingMessage, res: ServerResponse) => void;

/** A real HTTP server on loopback standing in for a channel API: timestamps every request, answers per path. */
export async function startChannelReceiver(routes: Record<string, Responder> = {}) {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    received.push({ at: performance.timeOrigin + performance.now(), path, lane: (req.headers['x-lane'] as string | undefined) ?? null });
    req.resume();
    const route = routes[path];
    if (route) return route(req, res);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The largest number of requests in any window [t, t + windowMs) (it is reached at a window starting at an arrival). */
export function maxInWindow(times: number[], windowMs: number): { count: number; startsAt: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, startsAt: sorted[0] ?? 0 };
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    const s = sorted[start] as number;
    while (end < sorted.length && (sorted[end] as number) < s + windowMs) end++;
    if (end - start > best.count) best = { count: end - start, startsAt: s };
  }
  return best;
}

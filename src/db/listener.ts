import pg from 'pg';
import type { Logger } from '../lib/logger.ts';
import { sleep } from '../lib/sleep.ts';

/**
 * LISTEN on a dedicated connection that reconnects by itself (server restarts, network blips).
 * `onReconnect` fires after a reconnection so callers can catch up on what they missed.
 */
export async function listenPostgres(
  url: string,
  channel: string,
  onMessage: (payload: string) => void,
  log: Logger,
  onReconnect?: () => void,
): Promise<() => Promise<void>> {
  let stopped = false;
  let client: pg.Client | undefined;
  const quoted = `"${channel.replaceAll('"', '""')}"`;

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: url, keepAlive: true });
    next.on('notification', (msg) => {
      if (msg.channel === channel) onMessage(msg.payload ?? '');
    });
    next.on('error', (error) => {
      log.warn({ err: error.message, channel }, 'listener connection lost');
    });
    next.on('end', () => {
      if (!stopped) void reconnect();
    });
    await next.connect();
    await next.query(`LISTEN ${quoted}`);
    client = next;
  };

  const reconnect = async (): Promise<void> => {
    for (let attempt = 1; !stopped; attempt++) {
      await sleep(Math.min(5000, 200 * 2 ** attempt));
      try {
        await connect();
        log.info({ channel, attempt }, 'listener reconnected');
        onReconnect?.();
        return;
      } catch {
        // keep trying until stopped
      }
    }
  };

  await connect();
  return async () => {
    stopped = true;
    await client?.end().catch(() => undefined);
  };
}

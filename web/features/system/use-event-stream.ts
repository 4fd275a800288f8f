import { useCallback, useEffect, useState } from 'react';
import { type EventMessage, eventMessageSchema } from '../../../src/contracts/system.ts';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

interface EventStreamOptions {
  url: string;
  /** SSE `event:` names to listen for, besides unnamed messages (`onmessage`). */
  types: readonly string[];
  /** How many events to keep, newest first. */
  max: number;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Subscribes to a server-sent event stream of `eventMessageSchema` messages.
 * EventSource reconnects by itself after a dropped connection; when it gives up (e.g. the endpoint
 * answered 404 or 502) we reconnect ourselves with exponential backoff.
 */
export function useEventStream({ url, types, max }: EventStreamOptions) {
  const [state, setState] = useState<StreamState>('connecting');
  const [events, setEvents] = useState<EventMessage[]>([]);
  const typesKey = types.join('\n');

  useEffect(() => {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;

    const onEvent = (event: MessageEvent<unknown>) => {
      const message = parseMessage(event.data);
      if (!message) return;
      setEvents((previous) => (previous.some((known) => known.id === message.id) ? previous : [message, ...previous].slice(0, max)));
    };

    const connect = () => {
      const current = new EventSource(url);
      source = current;
      current.onopen = () => {
        attempt = 0;
        setState('live');
      };
      current.onmessage = onEvent;
      for (const type of typesKey.split('\n')) if (type) current.addEventListener(type, onEvent);
      current.onerror = () => {
        if (current.readyState === EventSource.CLOSED) {
          current.close();
          setState('reconnecting');
          const delay = Math.min(MAX_BACKOFF_MS, 1_000 * 2 ** attempt++);
          retryTimer = setTimeout(connect, delay);
        } else {
          setState('reconnecting');
        }
      };
    };

    setState('connecting');
    connect();
    return () => {
      clearTimeout(retryTimer);
      source?.close();
    };
  }, [url, typesKey, max]);

  const clear = useCallback(() => setEvents([]), []);
  return { state, events, clear };
}

function parseMessage(data: unknown): EventMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const parsed = eventMessageSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { type EventMessage, eventMessageSchema } from '../../../src/contracts/system.ts';

export type StreamState = 'connecting' | 'live' | 'reconnecting';

interface EventSourceOptions {
  url: string;
  /** SSE `event:` names to listen for, besides unnamed messages (`onmessage`). */
  types: readonly string[];
  /** Called with every valid message (the latest callback is used; it need not be stable). */
  onEvent: (message: EventMessage) => void;
  /** Set false to stay disconnected (e.g. without the `events.read` permission). */
  enabled?: boolean;
}

const MAX_BACKOFF_MS = 30_000;

/**
 * Subscribes to a server-sent event stream of `eventMessageSchema` messages and reports its state.
 * EventSource reconnects by itself after a dropped connection; when it gives up (e.g. the endpoint
 * answered 404 or 502) we reconnect ourselves with exponential backoff.
 */
export function useEventSource({ url, types, onEvent, enabled = true }: EventSourceOptions): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const typesKey = types.join('\n');

  useEffect(() => {
    if (!enabled) return;
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let attempt = 0;

    const listener = (event: MessageEvent<unknown>) => {
      const message = parseMessage(event.data);
      if (message) handler.current(message);
    };

    const connect = () => {
      const current = new EventSource(url);
      source = current;
      current.onopen = () => {
        attempt = 0;
        setState('live');
      };
      current.onmessage = listener;
      for (const type of typesKey.split('\n')) if (type) current.addEventListener(type, listener);
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
  }, [url, typesKey, enabled]);

  return state;
}

interface EventStreamOptions {
  url: string;
  types: readonly string[];
  /** How many events to keep, newest first. */
  max: number;
}

/** `useEventSource` that also keeps the last `max` events, newest first (the System page's live list). */
export function useEventStream({ url, types, max }: EventStreamOptions) {
  const [events, setEvents] = useState<EventMessage[]>([]);
  const state = useEventSource({
    url,
    types,
    onEvent: (message) => setEvents((previous) => (previous.some((known) => known.id === message.id) ? previous : [message, ...previous].slice(0, max))),
  });
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

import { useMutation } from '@tanstack/react-query';
import { Send, Trash2 } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import type { EventMessage } from '../../../src/contracts/system.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { Badge, StatusDot } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Input } from '../../components/ui/input.tsx';
import { formatTime, useLocale, useT } from '../../i18n/index.ts';
import { EVENTS_URL, sendTestEvent } from './system-api.ts';
import { type StreamState, useEventStream } from './use-event-stream.ts';

const MAX_EVENTS = 50;
const EVENT_TYPES = ['system.test'] as const;

const stateBadge = {
  connecting: 'secondary',
  live: 'success',
  reconnecting: 'warning',
} as const satisfies Record<StreamState, string>;

export function EventsCard() {
  const t = useT();
  const { state, events, clear } = useEventStream({ url: EVENTS_URL, types: EVENT_TYPES, max: MAX_EVENTS });
  const [message, setMessage] = useState<string | null>(null);
  const text = message ?? t('system.events.defaultMessage');
  const send = useMutation({ mutationFn: (value: string) => sendTestEvent(value) });
  const pendingId = send.data && !events.some((event) => event.id === send.data.id) ? send.data.id : null;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    send.mutate(text.trim() || t('system.events.defaultMessage'));
  };

  return (
    <Card data-testid="events-card" className="lg:col-span-2">
      <CardHeader>
        <CardTitle>{t('system.events.title')}</CardTitle>
        <CardDescription>{t('system.events.description', { max: MAX_EVENTS })}</CardDescription>
        <CardAction>
          <Badge variant={stateBadge[state]} data-testid="stream-state" data-state={state} aria-live="polite">
            <StatusDot pulse={state !== 'reconnecting'} />
            {t(`system.events.state.${state}`)}
          </Badge>
        </CardAction>
      </CardHeader>
      <CardContent className="space-y-4">
        <form onSubmit={onSubmit} className="flex flex-col gap-2 sm:flex-row">
          <label htmlFor="test-event-message" className="sr-only">
            {t('system.events.messageLabel')}
          </label>
          <Input
            id="test-event-message"
            data-testid="test-event-message"
            value={text}
            maxLength={200}
            onChange={(event) => setMessage(event.target.value)}
            className="sm:max-w-sm"
          />
          <Button type="submit" disabled={send.isPending} data-testid="send-test-event">
            <Send />
            {send.isPending ? t('system.events.sending') : t('system.events.send')}
          </Button>
          {events.length > 0 && (
            <Button variant="ghost" onClick={clear} className="sm:ml-auto">
              <Trash2 />
              {t('system.events.clear')}
            </Button>
          )}
        </form>

        {send.isError && <ErrorNotice error={send.error} />}
        {pendingId && (
          <p className="text-muted-foreground text-xs" role="status" data-testid="test-event-pending">
            {t('system.events.sent', { id: pendingId })}
          </p>
        )}

        {events.length === 0 ? (
          <p className="rounded-lg border border-dashed px-4 py-8 text-center text-muted-foreground" data-testid="events-empty">
            {t('system.events.empty')}
          </p>
        ) : (
          <ol className="divide-y rounded-lg border" data-testid="event-list" aria-live="polite">
            {events.map((event) => (
              <EventRow key={event.id} event={event} />
            ))}
          </ol>
        )}
      </CardContent>
    </Card>
  );
}

function EventRow({ event }: { event: EventMessage }) {
  const { locale } = useLocale();
  const summary = typeof event.payload.message === 'string' ? event.payload.message : JSON.stringify(event.payload);
  return (
    <li className="flex items-center gap-3 px-4 py-2.5" data-testid="event-item" data-id={event.id} data-type={event.type}>
      <Badge variant="outline" className="font-mono">
        {event.type}
      </Badge>
      <span className="min-w-0 flex-1 truncate" title={summary}>
        {summary}
      </span>
      <time dateTime={event.createdAt} className="font-mono text-muted-foreground text-xs tabular-nums">
        {formatTime(event.createdAt, locale)}
      </time>
    </li>
  );
}

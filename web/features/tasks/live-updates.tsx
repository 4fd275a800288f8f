import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { hasPermission, useMe } from '../auth/session.tsx';
import { NOTIFICATIONS_KEY } from '../notifications/notifications-api.ts';
import { EVENTS_URL } from '../system/system-api.ts';
import { useEventSource } from '../system/use-event-stream.ts';
import { TASKS_KEY } from './tasks-api.ts';

const TYPES = ['task.created', 'task.updated', 'notification.created'] as const;
export const LIVE_DEBOUNCE_MS = 300;

/**
 * One live connection for the signed-in app: task and notification events refresh the task,
 * statistics and notification queries (debounced, so a batch of 50 events costs one refetch each).
 * While a task mutation is in flight the refresh waits, so it cannot undo an optimistic update.
 */
export function LiveUpdates() {
  const me = useMe();
  const queryClient = useQueryClient();
  const pending = useRef({ tasks: false, notifications: false });
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => () => clearTimeout(timer.current), []);

  const flush = () => {
    if (queryClient.isMutating({ mutationKey: TASKS_KEY }) > 0) {
      timer.current = setTimeout(flush, LIVE_DEBOUNCE_MS);
      return;
    }
    const { tasks, notifications } = pending.current;
    pending.current = { tasks: false, notifications: false };
    if (tasks) void queryClient.invalidateQueries({ queryKey: TASKS_KEY });
    if (notifications) void queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
  };

  useEventSource({
    url: EVENTS_URL,
    types: TYPES,
    enabled: hasPermission(me, 'events.read'),
    onEvent: (message) => {
      if (message.type.startsWith('task.')) pending.current.tasks = true;
      // A new batch also notifies approvers: refresh the bell for every task creation too.
      if (message.type === 'notification.created' || message.type === 'task.created') pending.current.notifications = true;
      if (!pending.current.tasks && !pending.current.notifications) return;
      clearTimeout(timer.current);
      timer.current = setTimeout(flush, LIVE_DEBOUNCE_MS);
    },
  });
  return null;
}

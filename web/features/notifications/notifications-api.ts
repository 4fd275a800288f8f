import { queryOptions } from '@tanstack/react-query';
import { notificationsResponseSchema } from '../../../src/contracts/tasks.ts';
import { noContent, request } from '../../api/index.ts';

export const NOTIFICATIONS_KEY = ['notifications'] as const;

export const notificationsQuery = queryOptions({
  queryKey: NOTIFICATIONS_KEY,
  queryFn: ({ signal }) => request('/api/notifications', { schema: notificationsResponseSchema, signal }),
  // The live stream refreshes it; this only catches what a dropped stream missed.
  refetchInterval: 120_000,
});

export const markNotificationsRead = (ids: string[] | 'all') =>
  request('/api/notifications/read', { method: 'POST', body: ids === 'all' ? { all: true } : { ids }, schema: noContent });

export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

/** The count of tasks a `tasks.awaiting_approval` notification is about (0 when absent). */
export function notificationCount(notification: Pick<Notification, 'data'>): number {
  const count = notification.data.count;
  return typeof count === 'number' && Number.isFinite(count) ? count : 0;
}

export function notificationMarketplaces(notification: Pick<Notification, 'data'>): string[] {
  const list = notification.data.marketplaces;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}

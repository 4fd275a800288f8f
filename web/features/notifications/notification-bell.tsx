import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from '@tanstack/react-router';
import { Bell, CheckCheck, ListChecks } from 'lucide-react';
import { Button } from '../../components/ui/button.tsx';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuLabel, DropdownMenuTrigger } from '../../components/ui/dropdown-menu.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { cn } from '../../lib/cn.ts';
import { marketplaceName } from '../tasks/tasks-api.ts';
import {
  markNotificationsRead,
  NOTIFICATIONS_KEY,
  type Notification,
  notificationCount,
  notificationMarketplaces,
  notificationsQuery,
} from './notifications-api.ts';

/** The bell: unread count, the latest notifications, mark read; a batch awaiting approval opens the approval queue. */
export function NotificationBell({ onNavigate, testId = 'notification-bell' }: { onNavigate?: () => void; testId?: string }) {
  const t = useT();
  const { locale } = useLocale();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const query = useQuery(notificationsQuery);
  const markRead = useMutation({
    mutationFn: markNotificationsRead,
    onSettled: () => queryClient.invalidateQueries({ queryKey: NOTIFICATIONS_KEY }),
  });
  const unread = query.data?.unread ?? 0;
  const notifications = query.data?.notifications ?? [];

  const open = (notification: Notification) => {
    if (!notification.readAt) markRead.mutate([notification.id]);
    if (notification.kind === 'tasks.awaiting_approval') {
      onNavigate?.();
      void navigate({ to: '/tasks' });
    } else if (notification.kind.startsWith('alert.')) {
      onNavigate?.();
      void navigate({ to: '/settings/alerts' });
    }
  };

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button
          variant="ghost"
          size="icon"
          className="relative size-8 text-muted-foreground"
          aria-label={unread > 0 ? t('notifications.labelUnread', { count: unread }) : t('notifications.label')}
          title={t('notifications.label')}
          data-testid={testId}
          data-unread={unread}
        >
          <Bell />
          {unread > 0 && (
            <span
              className="absolute -top-0.5 -right-0.5 flex h-4 min-w-4 items-center justify-center rounded-full bg-danger px-1 font-semibold text-[10px] text-white tabular-nums"
              data-testid="notification-unread"
            >
              {unread > 99 ? '99+' : unread}
            </span>
          )}
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="start" className="w-80 p-0" data-testid="notification-menu">
        <div className="flex items-center justify-between gap-2 border-b px-3 py-2">
          <DropdownMenuLabel className="p-0 text-foreground text-sm">{t('notifications.title')}</DropdownMenuLabel>
          {unread > 0 && (
            <Button
              variant="ghost"
              size="sm"
              className="h-7 px-2 text-xs"
              onClick={() => markRead.mutate('all')}
              disabled={markRead.isPending}
              data-testid="notification-read-all"
            >
              <CheckCheck />
              {t('notifications.markAllRead')}
            </Button>
          )}
        </div>
        <div className="max-h-96 overflow-y-auto p-1">
          {query.isError ? (
            <p className="px-3 py-6 text-center text-muted-foreground text-sm">{t('notifications.error')}</p>
          ) : notifications.length === 0 ? (
            <p className="px-3 py-6 text-center text-muted-foreground text-sm" data-testid="notification-empty">
              {query.isPending ? t('common.loading') : t('notifications.empty')}
            </p>
          ) : (
            notifications.map((notification) => (
              <DropdownMenuItem
                key={notification.id}
                onSelect={() => open(notification)}
                className="items-start gap-2.5 px-2 py-2"
                data-testid="notification-item"
                data-kind={notification.kind}
                data-read={notification.readAt ? 'true' : 'false'}
              >
                <span className={cn('mt-1.5 size-2 shrink-0 rounded-full', notification.readAt ? 'bg-transparent' : 'bg-info')} aria-hidden="true" />
                <span className="min-w-0 flex-1 space-y-0.5">
                  <span className={cn('block truncate', !notification.readAt && 'font-medium')}>{describe(notification, t)}</span>
                  {notification.kind === 'tasks.awaiting_approval' ? (
                    <span className="block truncate text-muted-foreground text-xs">
                      {notificationMarketplaces(notification).map(marketplaceName).join(', ')}
                    </span>
                  ) : (
                    notification.body && <span className="line-clamp-2 block text-muted-foreground text-xs">{notification.body}</span>
                  )}
                  <time dateTime={notification.createdAt} className="block text-muted-foreground text-xs">
                    {formatDateTime(notification.createdAt, locale)}
                  </time>
                </span>
                {notification.kind === 'tasks.awaiting_approval' && <ListChecks className="mt-0.5 text-muted-foreground" aria-hidden="true" />}
              </DropdownMenuItem>
            ))
          )}
        </div>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

function describe(notification: Notification, t: ReturnType<typeof useT>): string {
  if (notification.kind === 'tasks.awaiting_approval') {
    const count = notificationCount(notification);
    return count === 1 ? t('notifications.awaitingApproval.one') : t('notifications.awaitingApproval.other', { count });
  }
  return notification.title;
}

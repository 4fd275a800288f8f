import { useQuery } from '@tanstack/react-query';
import { Link, Outlet } from '@tanstack/react-router';
import { Inbox, List, type LucideIcon, UserRoundCheck } from 'lucide-react';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { type PlainMessageKey, useT } from '../../i18n/index.ts';
import { batchesQuery, myWorkQuery } from './tasks-api.ts';

interface TaskTab {
  id: 'approval' | 'all' | 'mine';
  path: '/tasks' | '/tasks/all' | '/tasks/mine';
  label: PlainMessageKey;
  icon: LucideIcon;
}

const tabs: readonly TaskTab[] = [
  { id: 'approval', path: '/tasks', label: 'tasks.tab.approval', icon: Inbox },
  { id: 'all', path: '/tasks/all', label: 'tasks.tab.all', icon: List },
  { id: 'mine', path: '/tasks/mine', label: 'tasks.tab.mine', icon: UserRoundCheck },
];

/** Tasks: the approval queue, every task, and my work, as tabs. */
export function TasksLayout() {
  const t = useT();
  const awaiting = useQuery(batchesQuery).data?.tasks.length;
  const mine = useQuery(myWorkQuery).data?.tasks.length;
  const counts: Partial<Record<TaskTab['id'], number | undefined>> = { approval: awaiting, mine };
  return (
    <div className="space-y-6" data-testid="tasks-page">
      <PageHeader title={t('nav.tasks')} description={t('tasks.subtitle')} />
      <nav aria-label={t('tasks.navLabel')} className="-mt-2 overflow-x-auto border-b" data-testid="tasks-nav">
        <ul className="flex gap-1">
          {tabs.map((tab) => {
            const count = counts[tab.id];
            return (
              <li key={tab.id}>
                <Link
                  to={tab.path}
                  activeOptions={{ exact: true }}
                  data-testid={`tasks-nav-${tab.id}`}
                  className="-mb-px flex items-center gap-2 whitespace-nowrap border-transparent border-b-2 px-3 py-2.5 text-muted-foreground transition-colors hover:text-foreground focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 data-[status=active]:border-foreground data-[status=active]:font-medium data-[status=active]:text-foreground"
                >
                  <tab.icon className="size-4" aria-hidden="true" />
                  {t(tab.label)}
                  {count !== undefined && count > 0 && (
                    <span className="rounded-full bg-muted px-1.5 font-medium text-foreground text-xs tabular-nums" data-testid={`tasks-nav-${tab.id}-count`}>
                      {count}
                    </span>
                  )}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

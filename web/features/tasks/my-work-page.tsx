import { useQuery } from '@tanstack/react-query';
import { CircleCheck, CircleCheckBig, Coffee, PanelRightOpen, X } from 'lucide-react';
import { useState } from 'react';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { agentName } from '../tokens/tokens-api.ts';
import { MarketplaceLabel, PriorityBadge } from './task-badges.tsx';
import { CompleteDialog, type CompletionStats } from './task-dialogs.tsx';
import { TaskDrawer } from './task-drawer.tsx';
import { formatHours, myWorkQuery, type Task } from './tasks-api.ts';
import { useTaskAbilities } from './use-task-abilities.ts';

/** The signed-in person's tasks in progress, each with a Complete button (hours and notes). */
export function MyWorkPage() {
  const t = useT();
  const { locale } = useLocale();
  const query = useQuery(myWorkQuery);
  const { canComplete } = useTaskAbilities();
  const [completing, setCompleting] = useState<Task | null>(null);
  const [openTask, setOpenTask] = useState<string | null>(null);
  const [done, setDone] = useState<{ title: string; stats: CompletionStats } | null>(null);
  const tasks = query.data?.tasks ?? [];

  return (
    <div className="space-y-5" data-testid="my-work">
      {done && (
        <div role="status" className="flex items-center gap-3 rounded-lg border border-success/25 bg-success/5 px-3 py-2 text-sm" data-testid="my-work-done">
          <CircleCheck className="size-4 shrink-0 text-success" aria-hidden="true" />
          <span className="flex-1">
            {t('tasks.mine.completed', {
              title: done.title,
              actual: formatHours(done.stats.actualHours, locale),
              estimated: formatHours(done.stats.estimatedHours, locale),
              accuracy: done.stats.accuracy,
            })}
          </span>
          <Button variant="ghost" size="icon" className="size-7" onClick={() => setDone(null)} aria-label={t('common.close')}>
            <X />
          </Button>
        </div>
      )}
      {query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : tasks.length === 0 ? (
        <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-4 py-12 text-center" data-testid="my-work-empty">
          <Coffee className="size-8 text-muted-foreground" aria-hidden="true" />
          <p className="font-medium">{t('tasks.mine.empty')}</p>
          <p className="max-w-md text-muted-foreground">{t('tasks.mine.emptyHint')}</p>
        </div>
      ) : (
        <ul className="grid gap-3 lg:grid-cols-2" data-testid="my-work-list">
          {tasks.map((task) => (
            <li key={task.id} className="flex flex-col gap-3 rounded-xl border bg-card p-4 shadow-xs" data-testid="my-task" data-task-id={task.id}>
              <div className="flex items-start justify-between gap-3">
                <div className="min-w-0 space-y-1">
                  <MarketplaceLabel marketplace={task.marketplace} className="text-muted-foreground text-xs" />
                  <button
                    type="button"
                    onClick={() => setOpenTask(task.id)}
                    className="block text-left font-semibold leading-snug hover:underline focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
                    data-testid="task-open"
                  >
                    {task.title}
                  </button>
                </div>
                <PriorityBadge priority={task.priority} />
              </div>
              <p className="line-clamp-3 text-muted-foreground">{task.description}</p>
              <div className="mt-auto flex flex-wrap items-center gap-2 text-muted-foreground text-xs">
                <Badge variant="outline">{t(`tasks.category.${task.category}`)}</Badge>
                <span>{t('tasks.mine.estimate', { hours: formatHours(task.estimatedHours, locale) })}</span>
                {task.startedAt && <span>· {t('tasks.mine.started', { date: formatDateTime(task.startedAt, locale) })}</span>}
                <span>· {agentName(task.createdBy)}</span>
              </div>
              {canComplete(task) && (
                <div className="flex justify-end gap-2 border-t pt-3">
                  <Button variant="ghost" size="sm" onClick={() => setOpenTask(task.id)}>
                    <PanelRightOpen />
                    {t('tasks.mine.details')}
                  </Button>
                  <Button size="sm" onClick={() => setCompleting(task)} data-testid="my-task-complete">
                    <CircleCheckBig />
                    {t('tasks.action.complete')}
                  </Button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
      <CompleteDialog task={completing} onClose={() => setCompleting(null)} onCompleted={(task, stats) => setDone({ title: task.title, stats })} />
      <TaskDrawer taskId={openTask} onClose={() => setOpenTask(null)} />
    </div>
  );
}

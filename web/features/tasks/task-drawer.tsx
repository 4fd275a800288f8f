import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, CircleCheckBig, Tag, Undo2, UserPlus, X } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Sheet } from '../../components/ui/sheet.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { agentName } from '../tokens/tokens-api.ts';
import { MarketplaceLabel, PriorityBadge, StatusBadge } from './task-badges.tsx';
import { AssignDialog, CompleteDialog, ReasonDialog } from './task-dialogs.tsx';
import { timelineAction, timelineDetails, timelineLabel } from './task-timeline.ts';
import { approveTasks, formatHours, returnTask, TASKS_KEY, type Task, taskDetailQuery } from './tasks-api.ts';
import { useMemberNames } from './use-member-names.ts';
import { useTaskAbilities } from './use-task-abilities.ts';

type Open = 'assign' | 'complete' | 'return' | 'reject' | null;

/** One task in full: description, metadata, tags, hours, people, timeline, and the actions its status and the role allow. */
export function TaskDrawer({ taskId, onClose }: { taskId: string | null; onClose: () => void }) {
  const t = useT();
  const detail = useQuery({ ...taskDetailQuery(taskId ?? ''), enabled: taskId !== null });
  const task = detail.data?.task;
  return (
    <Sheet
      open={taskId !== null}
      onClose={onClose}
      title={task?.title ?? t('common.loading')}
      description={task && <TaskBadges task={task} />}
      closeLabel={t('common.close')}
      data-testid="task-drawer"
      footer={task && <TaskActions task={task} />}
    >
      {detail.isError ? (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !detail.data ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : (
        <TaskDetails task={detail.data.task} history={detail.data.history} />
      )}
    </Sheet>
  );
}

function TaskBadges({ task }: { task: Task }) {
  return (
    <span className="flex flex-wrap items-center gap-2 pt-1">
      <StatusBadge status={task.status} />
      <PriorityBadge priority={task.priority} />
      <MarketplaceLabel marketplace={task.marketplace} className="text-foreground" />
    </span>
  );
}

function Section({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <section className="space-y-2" data-testid={testId}>
      <h3 className="font-medium text-muted-foreground text-xs uppercase tracking-wider">{title}</h3>
      {children}
    </section>
  );
}

function TaskDetails({
  task,
  history,
}: {
  task: Task;
  history: Array<{ at: string; action: string; actorType: string; actorLabel: string; changes: Record<string, unknown> | null }>;
}) {
  const t = useT();
  const { locale } = useLocale();
  const memberName = useMemberNames();
  const metadata = Object.entries(task.metadata ?? {});
  const facts: Array<[string, ReactNode]> = [
    [t('tasks.field.category'), t(`tasks.category.${task.category}`)],
    [t('tasks.field.estimated'), t('tasks.hoursValue', { hours: formatHours(task.estimatedHours, locale) })],
    [t('tasks.field.actual'), task.actualHours === undefined ? '—' : t('tasks.hoursValue', { hours: formatHours(task.actualHours, locale) })],
    [t('tasks.field.createdBy'), agentName(task.createdBy)],
    [t('tasks.field.assignee'), memberName(task.assignedTo)],
    [t('tasks.field.created'), formatDateTime(task.createdAt, locale)],
  ];
  if (task.completedAt) facts.push([t('tasks.field.completed'), formatDateTime(task.completedAt, locale)]);

  return (
    <div className="space-y-6" data-testid="task-details" data-task-id={task.id} data-status={task.status}>
      <p className="whitespace-pre-wrap leading-relaxed" data-testid="task-description">
        {task.description}
      </p>

      {task.rejectionReason && (
        <p className="rounded-md border border-danger/25 bg-danger/5 px-3 py-2 text-sm" data-testid="task-rejection">
          <span className="font-medium">{t('tasks.field.rejectionReason')}: </span>
          {task.rejectionReason}
        </p>
      )}
      {task.completionNotes && (
        <p className="rounded-md border border-success/25 bg-success/5 px-3 py-2 text-sm" data-testid="task-notes">
          <span className="font-medium">{t('tasks.field.notes')}: </span>
          {task.completionNotes}
        </p>
      )}

      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2 text-sm" data-testid="task-facts">
        {facts.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-muted-foreground">{label}</dt>
            <dd className="min-w-0 break-words">{value}</dd>
          </div>
        ))}
      </dl>

      {task.tags && task.tags.length > 0 && (
        <Section title={t('tasks.field.tags')} testId="task-tags">
          <ul className="flex flex-wrap gap-1.5">
            {task.tags.map((tag) => (
              <li key={tag}>
                <Badge variant="secondary">
                  <Tag aria-hidden="true" />
                  {tag}
                </Badge>
              </li>
            ))}
          </ul>
        </Section>
      )}

      {metadata.length > 0 && (
        <Section title={t('tasks.field.metadata')} testId="task-metadata">
          <dl className="divide-y rounded-md border text-sm">
            {metadata.map(([key, value]) => (
              <div key={key} className="grid grid-cols-[minmax(8rem,max-content)_1fr] gap-4 px-3 py-1.5" data-testid="metadata-row" data-key={key}>
                <dt className="font-mono text-muted-foreground text-xs leading-5">{key}</dt>
                <dd className="min-w-0 break-words font-mono text-xs leading-5">{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
              </div>
            ))}
          </dl>
        </Section>
      )}

      <Section title={t('tasks.field.timeline')} testId="task-timeline">
        {history.length === 0 ? (
          <p className="text-muted-foreground text-sm">{t('tasks.timeline.empty')}</p>
        ) : (
          <ol className="relative space-y-4 border-l pl-5">
            {history.map((entry, index) => {
              const action = timelineAction(entry.action);
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: history is append-only; two entries may share a timestamp
                <li key={`${entry.at}-${index}`} className="relative" data-testid="timeline-entry" data-action={entry.action}>
                  <span className="absolute top-1.5 -left-[25px] size-2.5 rounded-full border-2 border-card bg-muted-foreground" aria-hidden="true" />
                  <p className="text-sm">
                    <span className="font-medium">{action ? t(timelineLabel(action)) : entry.action}</span>
                    <span className="text-muted-foreground"> · {entry.actorType === 'token' ? agentName(entry.actorLabel) : entry.actorLabel}</span>
                  </p>
                  <time dateTime={entry.at} className="text-muted-foreground text-xs">
                    {formatDateTime(entry.at, locale)}
                  </time>
                  {timelineDetails(entry.changes).map((row) => (
                    <p key={row.key} className="mt-1 rounded bg-muted/60 px-2 py-1 text-xs" data-testid="timeline-detail">
                      {row.key === 'actualHours' ? t('tasks.hoursValue', { hours: formatHours(Number(row.value), locale) }) : row.value}
                    </p>
                  ))}
                </li>
              );
            })}
          </ol>
        )}
      </Section>
    </div>
  );
}

function TaskActions({ task }: { task: Task }) {
  const t = useT();
  const queryClient = useQueryClient();
  const { canApprove, canAssign, canComplete } = useTaskAbilities();
  const [open, setOpen] = useState<Open>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: TASKS_KEY });
  const decide = useMutation({
    mutationKey: [...TASKS_KEY, 'approve'],
    mutationFn: ({ approved, reason }: { approved: boolean; reason?: string }) => approveTasks([task.id], approved, reason),
    onSuccess: () => setOpen(null),
    onSettled: refresh,
  });
  const back = useMutation({
    mutationKey: [...TASKS_KEY, 'return'],
    mutationFn: (reason: string) => returnTask(task.id, reason),
    onSuccess: () => setOpen(null),
    onSettled: refresh,
  });

  const buttons: ReactNode[] = [];
  if (task.status === 'awaiting_approval' && canApprove) {
    buttons.push(
      <Button key="reject" variant="outline" onClick={() => setOpen('reject')} disabled={decide.isPending} data-testid="drawer-reject">
        <X />
        {t('tasks.action.reject')}
      </Button>,
      <Button key="approve" onClick={() => decide.mutate({ approved: true })} disabled={decide.isPending} data-testid="drawer-approve">
        <Check />
        {t('tasks.action.approve')}
      </Button>,
    );
  }
  if (task.status === 'approved' && canAssign) {
    buttons.push(
      <Button key="assign" onClick={() => setOpen('assign')} data-testid="drawer-assign">
        <UserPlus />
        {t('tasks.action.assign')}
      </Button>,
    );
  }
  if (canComplete(task)) {
    buttons.push(
      <Button key="return" variant="outline" onClick={() => setOpen('return')} data-testid="drawer-return">
        <Undo2 />
        {t('tasks.action.return')}
      </Button>,
      <Button key="complete" onClick={() => setOpen('complete')} data-testid="drawer-complete">
        <CircleCheckBig />
        {t('tasks.action.complete')}
      </Button>,
    );
  }
  if (buttons.length === 0) return null;
  return (
    <>
      {decide.isError && open === null && <FormError error={decide.error} className="mr-auto" />}
      {buttons}
      <ReasonDialog
        open={open === 'reject'}
        title={t('tasks.reject.title', { count: 1 })}
        description={t('tasks.reject.description')}
        confirmLabel={t('tasks.action.reject')}
        onConfirm={(reason) => decide.mutate({ approved: false, reason })}
        onClose={() => {
          setOpen(null);
          decide.reset();
        }}
        pending={decide.isPending}
        error={decide.error}
        testId="reject-dialog"
      />
      <ReasonDialog
        open={open === 'return'}
        title={t('tasks.return.title')}
        description={t('tasks.return.description')}
        confirmLabel={t('tasks.action.return')}
        onConfirm={(reason) => back.mutate(reason)}
        onClose={() => {
          setOpen(null);
          back.reset();
        }}
        pending={back.isPending}
        error={back.error}
        testId="return-dialog"
      />
      <AssignDialog task={open === 'assign' ? task : null} onClose={() => setOpen(null)} />
      <CompleteDialog task={open === 'complete' ? task : null} onClose={() => setOpen(null)} />
    </>
  );
}

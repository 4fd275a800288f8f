import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Check, CircleAlert, CircleCheck, Inbox, Keyboard, Search, X } from 'lucide-react';
import { type MouseEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { marketplaces, taskCategories, taskPriorities } from '../../../src/contracts/tasks.ts';
import { ApiError } from '../../api/index.ts';
import { ErrorNotice, errorMessage } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Select } from '../../components/ui/select.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { cn } from '../../lib/cn.ts';
import { MarketplaceLabel, PriorityBadge } from './task-badges.tsx';
import { ReasonDialog } from './task-dialogs.tsx';
import { TaskDrawer } from './task-drawer.tsx';
import {
  approveTasks,
  BATCH_LIMIT,
  type Batches,
  batchesQuery,
  compareForReview,
  formatHours,
  marketplaceName,
  readConflicts,
  TASKS_KEY,
  type Task,
  withoutTasks,
} from './tasks-api.ts';
import { useTaskAbilities } from './use-task-abilities.ts';

interface QueueFilters {
  q: string;
  marketplace: string;
  priority: string;
  category: string;
}

const noFilters: QueueFilters = { q: '', marketplace: '', priority: '', category: '' };

interface Decision {
  ids: string[];
  approved: boolean;
  reason?: string;
}

type Outcome = { kind: 'done'; approved: boolean; count: number } | { kind: 'failed'; error: unknown; approved: boolean; count: number };

const marketplaceOrder = (id: string) => {
  const index = (marketplaces as readonly string[]).indexOf(id);
  return index === -1 ? marketplaces.length : index;
};

function matches(task: Task, filters: QueueFilters): boolean {
  if (filters.marketplace && task.marketplace !== filters.marketplace) return false;
  if (filters.priority && task.priority !== filters.priority) return false;
  if (filters.category && task.category !== filters.category) return false;
  const q = filters.q.trim().toLowerCase();
  if (!q) return true;
  return [task.title, task.description, ...(task.tags ?? [])].some((text) => text.toLowerCase().includes(q));
}

/** Where a key press in the page should not be taken as a shortcut. */
function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLInputElement) return target.type !== 'checkbox';
  return target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}

export function ApprovalQueuePage() {
  const t = useT();
  const { locale } = useLocale();
  const queryClient = useQueryClient();
  const { canApprove } = useTaskAbilities();
  const query = useQuery(batchesQuery);
  const [filters, setFilters] = useState<QueueFilters>(noFilters);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [anchor, setAnchor] = useState<string | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [showKeys, setShowKeys] = useState(false);
  const [openTask, setOpenTask] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const listRef = useRef<HTMLDivElement>(null);

  // Groups in the seed's marketplace order, each sorted for review; `visible` is their concatenation (j/k and shift-click follow it).
  const groups = useMemo(() => {
    const byMarketplace = new Map<string, Task[]>();
    for (const task of query.data?.tasks ?? []) {
      if (task.status !== 'awaiting_approval' || !matches(task, filters)) continue;
      byMarketplace.set(task.marketplace, [...(byMarketplace.get(task.marketplace) ?? []), task]);
    }
    return [...byMarketplace.entries()]
      .sort(([a], [b]) => marketplaceOrder(a) - marketplaceOrder(b) || a.localeCompare(b))
      .map(([marketplace, tasks]) => ({ marketplace, tasks: tasks.sort(compareForReview) }));
  }, [query.data, filters]);
  const visible = useMemo(() => groups.flatMap((group) => group.tasks), [groups]);
  const chosen = useMemo(() => visible.filter((task) => selected.has(task.id)), [visible, selected]);
  const filtered = filters.q !== '' || filters.marketplace !== '' || filters.priority !== '' || filters.category !== '';

  const decide = useMutation({
    mutationKey: [...TASKS_KEY, 'approve'],
    mutationFn: ({ ids, approved, reason }: Decision) => approveTasks(ids, approved, reason),
    // Optimistic: the tasks leave the queue at once; on any error they come back and the error is shown.
    onMutate: async ({ ids, approved }) => {
      setOutcome(null);
      await queryClient.cancelQueries({ queryKey: batchesQuery.queryKey });
      const previous = queryClient.getQueryData<Batches>(batchesQuery.queryKey);
      if (previous) queryClient.setQueryData<Batches>(batchesQuery.queryKey, withoutTasks(previous, new Set(ids)));
      setSelected((current) => new Set([...current].filter((id) => !ids.includes(id))));
      return { previous, approved };
    },
    onError: (error, { ids, approved }, context) => {
      if (context?.previous) queryClient.setQueryData(batchesQuery.queryKey, context.previous);
      setSelected(new Set(ids));
      setOutcome({ kind: 'failed', error, approved, count: ids.length });
    },
    onSuccess: (result, { approved }) => setOutcome({ kind: 'done', approved, count: result.count }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: TASKS_KEY }),
  });

  const approveSelected = useCallback(() => {
    if (!canApprove || chosen.length === 0) return;
    decide.mutate({ ids: chosen.map((task) => task.id), approved: true });
  }, [canApprove, chosen, decide]);

  const toggle = useCallback((id: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
    setAnchor(id);
  }, []);

  /** Click toggles one; shift-click sets the whole range from the last clicked task to this one. */
  const onCheck = (task: Task, event: MouseEvent<HTMLInputElement>) => {
    const on = event.currentTarget.checked;
    setCursor(task.id);
    if (event.shiftKey && anchor) {
      const from = visible.findIndex((candidate) => candidate.id === anchor);
      const to = visible.findIndex((candidate) => candidate.id === task.id);
      if (from !== -1 && to !== -1) {
        const range = visible.slice(Math.min(from, to), Math.max(from, to) + 1).map((candidate) => candidate.id);
        setSelected((current) => {
          const next = new Set(current);
          for (const id of range) {
            if (on) next.add(id);
            else next.delete(id);
          }
          return next;
        });
        setAnchor(task.id);
        return;
      }
    }
    toggle(task.id, on);
  };

  const setGroup = (tasks: Task[], on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      for (const task of tasks) {
        if (on) next.add(task.id);
        else next.delete(task.id);
      }
      return next;
    });

  // Keyboard: j/k move, x toggles, a approves, r rejects, o opens, ? lists the shortcuts, Esc clears the selection.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const index = cursor ? visible.findIndex((task) => task.id === cursor) : -1;
      const move = (to: number) => {
        const task = visible[Math.max(0, Math.min(visible.length - 1, to))];
        if (!task) return;
        setCursor(task.id);
        listRef.current?.querySelector(`[data-task-id="${task.id}"]`)?.scrollIntoView({ block: 'nearest' });
      };
      const current = index === -1 ? undefined : visible[index];
      switch (event.key) {
        case 'j':
          move(index + 1);
          break;
        case 'k':
          move(index === -1 ? 0 : index - 1);
          break;
        case 'x':
          if (!current || !canApprove) return;
          toggle(current.id, !selected.has(current.id));
          break;
        case 'a':
          if (!canApprove || chosen.length === 0) return;
          approveSelected();
          break;
        case 'r':
          if (!canApprove || chosen.length === 0) return;
          setRejecting(true);
          break;
        case 'o':
        case 'Enter':
          if (!current) return;
          setOpenTask(current.id);
          break;
        case '?':
          setShowKeys(true);
          break;
        case 'Escape':
          if (selected.size === 0) return;
          setSelected(new Set());
          break;
        default:
          return;
      }
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [cursor, visible, selected, chosen, canApprove, toggle, approveSelected]);

  const total = query.data?.tasks.length ?? 0;

  return (
    <div className="space-y-5" data-testid="approval-queue">
      <div className="flex flex-wrap items-center gap-2" data-testid="queue-filters">
        <div className="relative min-w-56 flex-1">
          <Search className="pointer-events-none absolute top-1/2 left-2.5 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden="true" />
          <Input
            type="search"
            value={filters.q}
            onChange={(event) => setFilters((current) => ({ ...current, q: event.target.value }))}
            placeholder={t('tasks.filter.search')}
            aria-label={t('tasks.filter.search')}
            className="pl-8"
            data-testid="queue-search"
          />
        </div>
        <Select
          className="w-56"
          aria-label={t('tasks.field.marketplace')}
          value={filters.marketplace}
          onChange={(event) => setFilters((current) => ({ ...current, marketplace: event.target.value }))}
          data-testid="queue-filter-marketplace"
        >
          <option value="">{t('tasks.filter.allMarketplaces')}</option>
          {marketplaces.map((id) => (
            <option key={id} value={id}>
              {marketplaceName(id)}
            </option>
          ))}
        </Select>
        <Select
          className="w-52"
          aria-label={t('tasks.field.priority')}
          value={filters.priority}
          onChange={(event) => setFilters((current) => ({ ...current, priority: event.target.value }))}
          data-testid="queue-filter-priority"
        >
          <option value="">{t('tasks.filter.allPriorities')}</option>
          {taskPriorities.map((priority) => (
            <option key={priority} value={priority}>
              {t(`tasks.priority.${priority}`)}
            </option>
          ))}
        </Select>
        <Select
          className="w-52"
          aria-label={t('tasks.field.category')}
          value={filters.category}
          onChange={(event) => setFilters((current) => ({ ...current, category: event.target.value }))}
          data-testid="queue-filter-category"
        >
          <option value="">{t('tasks.filter.allCategories')}</option>
          {taskCategories.map((category) => (
            <option key={category} value={category}>
              {t(`tasks.category.${category}`)}
            </option>
          ))}
        </Select>
        {filtered && (
          <Button variant="ghost" onClick={() => setFilters(noFilters)} data-testid="queue-clear-filters">
            <X />
            {t('tasks.filter.clear')}
          </Button>
        )}
        <Button
          variant="ghost"
          size="icon"
          onClick={() => setShowKeys(true)}
          aria-label={t('tasks.keys.title')}
          title={t('tasks.keys.title')}
          data-testid="queue-keys"
        >
          <Keyboard />
        </Button>
      </div>

      {canApprove && (
        <div
          className={cn(
            'sticky top-14 z-10 flex flex-wrap items-center gap-3 rounded-lg border bg-card/95 px-4 py-2.5 shadow-xs backdrop-blur md:top-2',
            chosen.length === 0 && 'text-muted-foreground',
          )}
          data-testid="queue-actions"
          data-selected={chosen.length}
        >
          <span className="font-medium tabular-nums" data-testid="queue-selected-count" aria-live="polite">
            {chosen.length === 0 ? t('tasks.queue.noneSelected') : t('tasks.queue.selected', { count: chosen.length })}
          </span>
          {chosen.length > 0 && (
            <Button variant="link" size="sm" className="h-auto px-0" onClick={() => setSelected(new Set())}>
              {t('tasks.queue.clearSelection')}
            </Button>
          )}
          <div className="ml-auto flex gap-2">
            <Button variant="outline" onClick={() => setRejecting(true)} disabled={chosen.length === 0} data-testid="queue-reject">
              <X />
              {t('tasks.action.reject')}
            </Button>
            <Button onClick={approveSelected} disabled={chosen.length === 0} data-testid="queue-approve">
              <Check />
              {t('tasks.action.approve')}
            </Button>
          </div>
        </div>
      )}

      {outcome && <OutcomeNotice outcome={outcome} onDismiss={() => setOutcome(null)} />}

      {query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : query.isPending ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : groups.length === 0 ? (
        <div className="flex flex-col items-center gap-2 rounded-lg border border-dashed px-4 py-12 text-center" data-testid="queue-empty">
          <Inbox className="size-8 text-muted-foreground" aria-hidden="true" />
          <p className="font-medium">{filtered && total > 0 ? t('tasks.queue.emptyFiltered') : t('tasks.queue.empty')}</p>
          {!(filtered && total > 0) && <p className="max-w-md text-muted-foreground">{t('tasks.queue.emptyHint')}</p>}
        </div>
      ) : (
        <div ref={listRef} className="space-y-4" data-testid="queue-groups">
          {groups.map(({ marketplace, tasks }) => {
            const inGroup = tasks.filter((task) => selected.has(task.id)).length;
            const groupId = `queue-group-${marketplace}`;
            return (
              <section
                key={marketplace}
                aria-labelledby={groupId}
                className="overflow-hidden rounded-xl border bg-card shadow-xs"
                data-testid="queue-group"
                data-marketplace={marketplace}
              >
                <header className="flex items-center gap-3 border-b bg-muted/40 px-4 py-2.5">
                  {canApprove && (
                    <Checkbox
                      checked={inGroup === tasks.length}
                      ref={(element) => {
                        if (element) element.indeterminate = inGroup > 0 && inGroup < tasks.length;
                      }}
                      onChange={(event) => setGroup(tasks, event.target.checked)}
                      aria-label={t('tasks.queue.selectGroup', { marketplace: marketplaceName(marketplace) })}
                      data-testid="group-select"
                    />
                  )}
                  <h2 id={groupId} className="font-semibold">
                    <MarketplaceLabel marketplace={marketplace} />
                  </h2>
                  <Badge variant="secondary" className="tabular-nums" data-testid="group-count">
                    {tasks.length}
                  </Badge>
                </header>
                <ul className="divide-y">
                  {tasks.map((task) => (
                    <li
                      key={task.id}
                      data-testid="queue-task"
                      data-task-id={task.id}
                      data-selected={selected.has(task.id)}
                      data-cursor={cursor === task.id}
                      className={cn(
                        'flex items-start gap-3 px-4 py-3 transition-colors',
                        selected.has(task.id) && 'bg-info/5',
                        cursor === task.id && 'shadow-[inset_3px_0_0_var(--color-info)]',
                      )}
                    >
                      {canApprove && (
                        <Checkbox
                          className="mt-0.5"
                          checked={selected.has(task.id)}
                          onChange={() => undefined}
                          onClick={(event) => onCheck(task, event)}
                          aria-label={t('tasks.queue.selectTask', { title: task.title })}
                          data-testid="task-select"
                        />
                      )}
                      <div className="min-w-0 flex-1 space-y-1">
                        <button
                          type="button"
                          className="block max-w-full truncate text-left font-medium hover:underline focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
                          onClick={() => {
                            setCursor(task.id);
                            setOpenTask(task.id);
                          }}
                          data-testid="task-open"
                        >
                          {task.title}
                        </button>
                        <p className="line-clamp-1 text-muted-foreground text-xs">{task.description}</p>
                      </div>
                      <div className="hidden shrink-0 flex-col items-end gap-1 text-muted-foreground text-xs sm:flex">
                        <span className="flex items-center gap-2">
                          <Badge variant="outline">{t(`tasks.category.${task.category}`)}</Badge>
                          <PriorityBadge priority={task.priority} />
                        </span>
                        <span className="tabular-nums">
                          {t('tasks.hours', { hours: formatHours(task.estimatedHours, locale) })} ·{' '}
                          <time dateTime={task.submittedAt ?? task.createdAt}>{formatDateTime(task.submittedAt ?? task.createdAt, locale)}</time>
                        </span>
                      </div>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
          {query.data && query.data.total > query.data.tasks.length && (
            <p className="text-center text-muted-foreground text-xs">{t('tasks.queue.truncated', { shown: BATCH_LIMIT, total: query.data.total })}</p>
          )}
        </div>
      )}

      <ReasonDialog
        open={rejecting}
        title={t('tasks.reject.title', { count: chosen.length })}
        description={t('tasks.reject.description')}
        confirmLabel={t('tasks.action.reject')}
        onConfirm={(reason) => {
          setRejecting(false);
          decide.mutate({ ids: chosen.map((task) => task.id), approved: false, reason });
        }}
        onClose={() => setRejecting(false)}
        testId="reject-dialog"
      />
      <ShortcutsDialog open={showKeys} onClose={() => setShowKeys(false)} />
      <TaskDrawer taskId={openTask} onClose={() => setOpenTask(null)} />
    </div>
  );
}

function OutcomeNotice({ outcome, onDismiss }: { outcome: Outcome; onDismiss: () => void }) {
  const t = useT();
  if (outcome.kind === 'done') {
    return (
      <div role="status" className="flex items-center gap-3 rounded-lg border border-success/25 bg-success/5 px-3 py-2 text-sm" data-testid="queue-notice">
        <CircleCheck className="size-4 shrink-0 text-success" aria-hidden="true" />
        <span className="flex-1">
          {outcome.approved ? t('tasks.queue.approved', { count: outcome.count }) : t('tasks.queue.rejected', { count: outcome.count })}
        </span>
        <Button variant="ghost" size="icon" className="size-7" onClick={onDismiss} aria-label={t('common.close')}>
          <X />
        </Button>
      </div>
    );
  }
  const conflicts = outcome.error instanceof ApiError && outcome.error.status === 409 ? readConflicts(outcome.error.details) : [];
  return (
    <div role="alert" className="flex items-start gap-3 rounded-lg border border-danger/25 bg-danger/5 px-3 py-2 text-sm" data-testid="queue-error">
      <CircleAlert className="mt-0.5 size-4 shrink-0 text-danger" aria-hidden="true" />
      <div className="flex-1 space-y-0.5">
        <p className="font-medium">{t('tasks.queue.failed', { count: outcome.count })}</p>
        <p className="text-muted-foreground">
          {conflicts.length > 0 ? t('tasks.queue.conflicts', { count: conflicts.length }) : errorMessage(outcome.error, t)}
        </p>
      </div>
      <Button variant="ghost" size="icon" className="size-7" onClick={onDismiss} aria-label={t('common.close')}>
        <X />
      </Button>
    </div>
  );
}

const shortcuts = [
  ['j', 'tasks.keys.next'],
  ['k', 'tasks.keys.previous'],
  ['x', 'tasks.keys.toggle'],
  ['⇧ + click', 'tasks.keys.range'],
  ['a', 'tasks.keys.approve'],
  ['r', 'tasks.keys.reject'],
  ['o', 'tasks.keys.open'],
  ['Esc', 'tasks.keys.clear'],
  ['?', 'tasks.keys.help'],
] as const;

function ShortcutsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const t = useT();
  return (
    <Dialog open={open} onClose={onClose} title={t('tasks.keys.title')} closeLabel={t('common.close')} data-testid="shortcuts-dialog">
      <dl className="grid grid-cols-[max-content_1fr] items-center gap-x-6 gap-y-2 text-sm">
        {shortcuts.map(([key, label]) => (
          <div key={key} className="contents">
            <dt>
              <kbd className="rounded border bg-muted px-1.5 py-0.5 font-mono text-xs">{key}</kbd>
            </dt>
            <dd>{t(label)}</dd>
          </div>
        ))}
      </dl>
    </Dialog>
  );
}

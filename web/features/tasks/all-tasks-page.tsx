import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { X } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { marketplaces, taskCategories, taskPriorities, taskStatuses } from '../../../src/contracts/tasks.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { FilterBar, FilterChips, SearchInput } from '../../components/filter-bar.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDate, useLocale, useT } from '../../i18n/index.ts';
import { dayBoundary } from '../audit/audit-api.ts';
import { membersQuery } from '../members/members-api.ts';
import { MarketplaceLabel, PriorityBadge, StatusBadge } from './task-badges.tsx';
import { assigneeRoles } from './task-dialogs.tsx';
import { TaskDrawer } from './task-drawer.tsx';
import { formatHours, marketplaceName, type TaskFilters, type TaskStatusValue, tasksQuery } from './tasks-api.ts';
import { useMemberNames } from './use-member-names.ts';

interface FilterForm {
  q: string;
  status: TaskStatusValue[];
  marketplace: string;
  priority: string;
  category: string;
  assignedTo: string;
  from: string;
  to: string;
  sort: 'created' | 'priority';
}

const emptyForm: FilterForm = { q: '', status: [], marketplace: '', priority: '', category: '', assignedTo: '', from: '', to: '', sort: 'created' };

function toFilters(form: FilterForm, q: string): TaskFilters {
  const filters: TaskFilters = { sort: form.sort };
  if (q.trim()) filters.q = q.trim();
  if (form.status.length > 0) filters.status = form.status;
  if (form.marketplace) filters.marketplace = [form.marketplace];
  if (form.priority) filters.priority = [form.priority as NonNullable<TaskFilters['priority']>[number]];
  if (form.category) filters.category = [form.category as NonNullable<TaskFilters['category']>[number]];
  if (form.assignedTo) filters.assignedTo = form.assignedTo;
  const from = dayBoundary(form.from, 'start');
  const to = dayBoundary(form.to, 'end');
  if (from) filters.createdFrom = from;
  if (to) filters.createdTo = to;
  return filters;
}

/** A value that follows `value` after it stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

export function AllTasksPage() {
  const t = useT();
  const { locale } = useLocale();
  const memberName = useMemberNames();
  const members = useQuery(membersQuery);
  const [form, setForm] = useState<FilterForm>(emptyForm);
  const [openTask, setOpenTask] = useState<string | null>(null);
  const q = useDebounced(form.q, 300);
  const filters = useMemo(() => toFilters(form, q), [form, q]);
  const query = useInfiniteQuery(tasksQuery(filters));
  const tasks = query.data?.pages.flatMap((page) => page.tasks) ?? [];
  const firstPage = query.data?.pages[0];
  const total = firstPage ? `${firstPage.total}${firstPage.totalCapped ? '+' : ''}` : undefined;
  const filtered = JSON.stringify({ ...form, sort: 'created' }) !== JSON.stringify(emptyForm);
  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => setForm((current) => ({ ...current, [key]: value }));
  const toggleStatus = (status: TaskStatusValue) =>
    set('status', form.status.includes(status) ? form.status.filter((s) => s !== status) : [...form.status, status]);

  return (
    <div className="space-y-5" data-testid="all-tasks">
      <FilterBar data-testid="task-filters">
        <div className="flex flex-wrap items-center gap-2">
          <SearchInput value={form.q} onChange={(q) => set('q', q)} label={t('tasks.filter.search')} data-testid="tasks-search" />
          <Select
            className="w-44"
            aria-label={t('tasks.filter.sort')}
            value={form.sort}
            onChange={(event) => set('sort', event.target.value as FilterForm['sort'])}
            data-testid="tasks-sort"
          >
            <option value="created">{t('tasks.sort.created')}</option>
            <option value="priority">{t('tasks.sort.priority')}</option>
          </Select>
        </div>
        <FilterChips
          label={t('tasks.field.status')}
          options={taskStatuses}
          selected={form.status}
          onToggle={toggleStatus}
          optionLabel={(status) => t(`tasks.status.${status}`)}
          testIdPrefix="status-chip-"
          data-testid="tasks-filter-status"
        />
        <div className="grid gap-3 sm:grid-cols-3 lg:grid-cols-6">
          <Field label={t('tasks.field.marketplace')} htmlFor="tasks-marketplace">
            <Select
              id="tasks-marketplace"
              value={form.marketplace}
              onChange={(event) => set('marketplace', event.target.value)}
              data-testid="tasks-filter-marketplace"
            >
              <option value="">{t('tasks.filter.any')}</option>
              {marketplaces.map((id) => (
                <option key={id} value={id}>
                  {marketplaceName(id)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('tasks.field.priority')} htmlFor="tasks-priority">
            <Select id="tasks-priority" value={form.priority} onChange={(event) => set('priority', event.target.value)} data-testid="tasks-filter-priority">
              <option value="">{t('tasks.filter.any')}</option>
              {taskPriorities.map((priority) => (
                <option key={priority} value={priority}>
                  {t(`tasks.priority.${priority}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('tasks.field.category')} htmlFor="tasks-category">
            <Select id="tasks-category" value={form.category} onChange={(event) => set('category', event.target.value)} data-testid="tasks-filter-category">
              <option value="">{t('tasks.filter.any')}</option>
              {taskCategories.map((category) => (
                <option key={category} value={category}>
                  {t(`tasks.category.${category}`)}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('tasks.field.assignee')} htmlFor="tasks-assignee">
            <Select id="tasks-assignee" value={form.assignedTo} onChange={(event) => set('assignedTo', event.target.value)} data-testid="tasks-filter-assignee">
              <option value="">{t('tasks.filter.anyone')}</option>
              <option value="me">{t('tasks.filter.me')}</option>
              {(members.data?.members ?? [])
                .filter((member) => assigneeRoles.has(member.role))
                .map((member) => (
                  <option key={member.userId} value={member.userId}>
                    {member.name || member.email}
                  </option>
                ))}
            </Select>
          </Field>
          <Field label={t('tasks.filter.createdFrom')} htmlFor="tasks-from">
            <Input
              id="tasks-from"
              type="date"
              value={form.from}
              max={form.to || undefined}
              onChange={(event) => set('from', event.target.value)}
              data-testid="tasks-filter-from"
            />
          </Field>
          <Field label={t('tasks.filter.createdTo')} htmlFor="tasks-to">
            <Input
              id="tasks-to"
              type="date"
              value={form.to}
              min={form.from || undefined}
              onChange={(event) => set('to', event.target.value)}
              data-testid="tasks-filter-to"
            />
          </Field>
        </div>
        {filtered && (
          <div>
            <Button variant="ghost" size="sm" onClick={() => setForm(emptyForm)} data-testid="tasks-clear-filters">
              <X />
              {t('tasks.filter.clear')}
            </Button>
          </div>
        )}
      </FilterBar>

      {query.isError && <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />}
      {query.isPending ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : tasks.length === 0 && !query.isError ? (
        <p className="rounded-lg border border-dashed px-4 py-10 text-center text-muted-foreground" data-testid="tasks-empty">
          {filtered ? t('tasks.list.emptyFiltered') : t('tasks.list.empty')}
        </p>
      ) : (
        <>
          {total !== undefined && (
            <p className="text-muted-foreground text-xs" data-testid="tasks-count">
              {t('tasks.list.count', { shown: tasks.length, total })}
            </p>
          )}
          <Table data-testid="tasks-table">
            <TableHeader>
              <TableRow>
                <TableHead>{t('tasks.field.task')}</TableHead>
                <TableHead>{t('tasks.field.status')}</TableHead>
                <TableHead>{t('tasks.field.priority')}</TableHead>
                <TableHead>{t('tasks.field.category')}</TableHead>
                <TableHead>{t('tasks.field.assignee')}</TableHead>
                <TableHead className="text-right">{t('tasks.field.hours')}</TableHead>
                <TableHead>{t('tasks.field.created')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {tasks.map((task) => (
                <TableRow
                  key={task.id}
                  data-testid="task-row"
                  data-task-id={task.id}
                  data-status={task.status}
                  className="cursor-pointer"
                  onClick={() => setOpenTask(task.id)}
                >
                  <TableCell className="max-w-md">
                    <button
                      type="button"
                      className="block max-w-full truncate text-left font-medium hover:underline focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
                      onClick={(event) => {
                        event.stopPropagation();
                        setOpenTask(task.id);
                      }}
                      data-testid="task-open"
                    >
                      {task.title}
                    </button>
                    <MarketplaceLabel marketplace={task.marketplace} className="text-muted-foreground text-xs" />
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={task.status} />
                  </TableCell>
                  <TableCell>
                    <PriorityBadge priority={task.priority} />
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{t(`tasks.category.${task.category}`)}</TableCell>
                  <TableCell className="whitespace-nowrap" data-testid="task-assignee">
                    {task.assignedTo ? memberName(task.assignedTo) : <span className="text-muted-foreground">—</span>}
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-right tabular-nums">
                    {task.actualHours === undefined ? '' : `${formatHours(task.actualHours, locale)} / `}
                    {t('tasks.hours', { hours: formatHours(task.estimatedHours, locale) })}
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">
                    <time dateTime={task.createdAt}>{formatDate(task.createdAt, locale)}</time>
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </>
      )}

      {query.hasNextPage && (
        <div className="flex justify-center">
          <Button variant="outline" onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage} data-testid="tasks-load-more">
            {query.isFetchingNextPage ? t('common.loading') : t('tasks.list.loadMore')}
          </Button>
        </div>
      )}
      <TaskDrawer taskId={openTask} onClose={() => setOpenTask(null)} />
    </div>
  );
}

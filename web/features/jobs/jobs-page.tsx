import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { RotateCcw, Skull, Workflow } from 'lucide-react';
import { useMemo, useRef, useState } from 'react';
import { jobRunStatuses } from '../../../src/contracts/operations.ts';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { FilterBar, FilterChips } from '../../components/filter-bar.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { ListStateRow, LoadMoreButton } from '../../components/list-states.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { cn } from '../../lib/cn.ts';
import { useDocumentTitle } from '../../lib/use-document-title.ts';
import { hasPermission, useCan, useMe } from '../auth/session.tsx';
import { EVENTS_URL } from '../system/system-api.ts';
import { useEventSource } from '../system/use-event-stream.ts';
import { JobStatusBadge } from './job-badges.tsx';
import { JobDrawer } from './job-drawer.tsx';
import { JOBS_KEY, type JobFilters, type JobRunStatus, jobStatsQuery, jobsQuery, replayDead } from './jobs-api.ts';

interface FilterForm {
  status: JobRunStatus[];
  type: string;
  storeId: string;
  from: string;
  to: string;
}
const emptyForm: FilterForm = { status: [], type: '', storeId: '', from: '', to: '' };
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function toFilters(form: FilterForm): JobFilters {
  const filters: JobFilters = {};
  if (form.status.length > 0) filters.status = form.status;
  if (form.type) filters.type = form.type;
  if (uuid.test(form.storeId.trim())) filters.storeId = form.storeId.trim();
  // datetime-local values are local wall-clock times: send them as instants.
  if (form.from) filters.from = new Date(form.from).toISOString();
  if (form.to) filters.to = new Date(form.to).toISOString();
  return filters;
}

/** Live: a `job.updated` (one run) or `jobs.updated` (a batch) event on the org's stream refreshes every job query (debounced). */
function useLiveJobs() {
  const me = useMe();
  const queryClient = useQueryClient();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  return useEventSource({
    url: EVENTS_URL,
    types: ['job.updated', 'jobs.updated'],
    enabled: hasPermission(me, 'events.read'),
    onEvent: () => {
      clearTimeout(timer.current);
      timer.current = setTimeout(() => void queryClient.invalidateQueries({ queryKey: JOBS_KEY }), 250);
    },
  });
}

export function JobsPage() {
  const t = useT();
  useDocumentTitle(t('nav.jobs'));
  const stream = useLiveJobs();
  const [tab, setTab] = useState<'all' | 'dead'>('all');
  const [openJob, setOpenJob] = useState<string | null>(null);
  const stats = useQuery(jobStatsQuery);
  const deadCount = stats.data?.types.reduce((sum, s) => sum + s.dead, 0) ?? 0;
  return (
    <div className="space-y-6" data-testid="jobs-page" data-live={stream}>
      <PageHeader title={t('nav.jobs')} description={t('jobs.subtitle')} />
      <StatsStrip />
      <nav aria-label={t('jobs.navLabel')} className="-mt-2 overflow-x-auto border-b">
        <ul className="flex gap-1">
          {(['all', 'dead'] as const).map((id) => (
            <li key={id}>
              <button
                type="button"
                aria-pressed={tab === id}
                onClick={() => setTab(id)}
                data-testid={`jobs-tab-${id}`}
                className={cn(
                  '-mb-px flex items-center gap-2 whitespace-nowrap border-b-2 px-3 py-2.5 transition-colors focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50',
                  tab === id ? 'border-foreground font-medium text-foreground' : 'border-transparent text-muted-foreground hover:text-foreground',
                )}
              >
                {id === 'all' ? <Workflow className="size-4" aria-hidden="true" /> : <Skull className="size-4" aria-hidden="true" />}
                {t(id === 'all' ? 'jobs.tab.all' : 'jobs.tab.dead')}
                {id === 'dead' && deadCount > 0 && (
                  <span className="rounded-full bg-danger/10 px-1.5 font-medium text-danger text-xs tabular-nums" data-testid="jobs-dead-count">
                    {deadCount}
                  </span>
                )}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <JobTable key={tab} dead={tab === 'dead'} types={stats.data?.types.map((s) => s.type) ?? []} onOpen={setOpenJob} />
      <JobDrawer jobId={openJob} onClose={() => setOpenJob(null)} />
    </div>
  );
}

function StatsStrip() {
  const t = useT();
  const stats = useQuery(jobStatsQuery);
  if (!stats.data) return null;
  const sum = (key: 'depth' | 'running' | 'dead' | 'completed' | 'failed') => stats.data.types.reduce((n, s) => n + s[key], 0);
  const done = sum('completed') + sum('failed');
  const items: Array<[string, string, string]> = [
    ['depth', t('jobs.stats.depth'), String(sum('depth'))],
    ['running', t('jobs.stats.running'), String(sum('running'))],
    ['completed', t('jobs.stats.completed24h'), String(sum('completed'))],
    ['failureRate', t('jobs.stats.failureRate'), done === 0 ? '—' : `${Math.round((sum('failed') / done) * 1000) / 10}%`],
    ['dead', t('jobs.stats.dead'), String(sum('dead'))],
  ];
  return (
    <dl className="grid grid-cols-2 gap-3 sm:grid-cols-5" data-testid="jobs-stats">
      {items.map(([id, label, value]) => (
        <div key={id} className="rounded-lg border bg-card p-3">
          <dt className="text-muted-foreground text-xs">{label}</dt>
          <dd className="font-semibold text-xl tabular-nums" data-testid={`jobs-stat-${id}`}>
            {value}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function JobTable({ dead, types, onOpen }: { dead: boolean; types: string[]; onOpen: (id: string) => void }) {
  const t = useT();
  const { locale } = useLocale();
  const queryClient = useQueryClient();
  const mayManage = useCan('jobs.manage');
  const [form, setForm] = useState<FilterForm>(emptyForm);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const filters = useMemo(() => toFilters(form), [form]);
  const query = useInfiniteQuery(jobsQuery(filters, dead));
  const jobs = query.data?.pages.flatMap((page) => page.jobs) ?? [];
  const set = <K extends keyof FilterForm>(key: K, value: FilterForm[K]) => setForm((current) => ({ ...current, [key]: value }));
  const toggleStatus = (status: JobRunStatus) =>
    set('status', form.status.includes(status) ? form.status.filter((s) => s !== status) : [...form.status, status]);
  const replay = useMutation({
    mutationKey: JOBS_KEY,
    mutationFn: replayDead,
    onSuccess: () => {
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: JOBS_KEY });
    },
  });
  const selectable = dead && mayManage;
  const allSelected = jobs.length > 0 && jobs.every((j) => selected.has(j.id));

  return (
    <div className="space-y-4" data-testid={dead ? 'jobs-dead' : 'jobs-all'}>
      <FilterBar data-testid="job-filters">
        {!dead && (
          <FilterChips
            label={t('jobs.field.status')}
            options={jobRunStatuses}
            selected={form.status}
            onToggle={toggleStatus}
            optionLabel={(status) => t(`jobs.status.${status}`)}
            testIdPrefix="job-status-chip-"
            data-testid="jobs-filter-status"
          />
        )}
        <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
          <Field label={t('jobs.field.type')} htmlFor={`jobs-type-${dead}`}>
            <Select id={`jobs-type-${dead}`} value={form.type} onChange={(event) => set('type', event.target.value)} data-testid="jobs-filter-type">
              <option value="">{t('jobs.filter.any')}</option>
              {types.map((type) => (
                <option key={type} value={type}>
                  {type}
                </option>
              ))}
            </Select>
          </Field>
          <Field label={t('jobs.field.store')} htmlFor={`jobs-store-${dead}`}>
            <Input
              id={`jobs-store-${dead}`}
              value={form.storeId}
              placeholder={t('jobs.filter.storePlaceholder')}
              onChange={(event) => set('storeId', event.target.value)}
              data-testid="jobs-filter-store"
            />
          </Field>
          <Field label={t('jobs.filter.from')} htmlFor={`jobs-from-${dead}`}>
            <Input
              id={`jobs-from-${dead}`}
              type="datetime-local"
              value={form.from}
              onChange={(event) => set('from', event.target.value)}
              data-testid="jobs-filter-from"
            />
          </Field>
          <Field label={t('jobs.filter.to')} htmlFor={`jobs-to-${dead}`}>
            <Input
              id={`jobs-to-${dead}`}
              type="datetime-local"
              value={form.to}
              onChange={(event) => set('to', event.target.value)}
              data-testid="jobs-filter-to"
            />
          </Field>
        </div>
      </FilterBar>

      {selectable && (
        <div className="flex flex-wrap items-center gap-2" data-testid="jobs-replay-bar">
          <Button
            size="sm"
            disabled={selected.size === 0 || replay.isPending}
            onClick={() => replay.mutate({ ids: [...selected] })}
            data-testid="jobs-replay-selected"
          >
            <RotateCcw aria-hidden="true" />
            {t('jobs.action.replaySelected', { count: selected.size })}
          </Button>
          {form.type && (
            <Button size="sm" variant="outline" disabled={replay.isPending} onClick={() => replay.mutate({ type: form.type })} data-testid="jobs-replay-type">
              {t('jobs.action.replayType', { type: form.type })}
            </Button>
          )}
          {replay.isSuccess && (
            <span className="text-muted-foreground text-sm" role="status" data-testid="jobs-replayed">
              {t('jobs.replayed', { count: replay.data.replayed })}
            </span>
          )}
          <FormError error={replay.error ?? undefined} />
        </div>
      )}

      {query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : (
        <div className="overflow-x-auto rounded-lg border bg-card">
          <Table data-testid="jobs-table">
            <TableHeader>
              <TableRow>
                {selectable && (
                  <TableHead className="w-8">
                    <Checkbox
                      aria-label={t('jobs.selectAll')}
                      checked={allSelected}
                      onChange={(event) => setSelected(event.target.checked ? new Set(jobs.map((j) => j.id)) : new Set())}
                      data-testid="jobs-select-all"
                    />
                  </TableHead>
                )}
                <TableHead>{t('jobs.field.type')}</TableHead>
                <TableHead>{t('jobs.field.status')}</TableHead>
                <TableHead className="text-right">{t('jobs.field.attempts')}</TableHead>
                <TableHead>{t('jobs.field.created')}</TableHead>
                <TableHead className="text-right">{t('jobs.field.duration')}</TableHead>
                <TableHead>{t('jobs.field.lastError')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {jobs.map((job) => (
                <TableRow key={job.id} className="cursor-pointer" onClick={() => onOpen(job.id)} data-testid="job-row" data-job-id={job.id}>
                  {selectable && (
                    <TableCell onClick={(event) => event.stopPropagation()}>
                      <Checkbox
                        aria-label={t('jobs.select', { type: job.type })}
                        checked={selected.has(job.id)}
                        onChange={(event) => {
                          const next = new Set(selected);
                          if (event.target.checked) next.add(job.id);
                          else next.delete(job.id);
                          setSelected(next);
                        }}
                        data-testid="job-select"
                      />
                    </TableCell>
                  )}
                  <TableCell className="font-mono text-xs">
                    <button type="button" className="text-left hover:underline" onClick={() => onOpen(job.id)}>
                      {job.type}
                    </button>
                  </TableCell>
                  <TableCell>
                    <JobStatusBadge status={job.status} />
                  </TableCell>
                  <TableCell className="text-right tabular-nums">
                    {job.attempts}/{job.maxAttempts}
                  </TableCell>
                  <TableCell className="whitespace-nowrap text-muted-foreground">{formatDateTime(job.createdAt, locale)}</TableCell>
                  <TableCell className="text-right tabular-nums">{job.durationMs === null ? '—' : `${job.durationMs} ms`}</TableCell>
                  <TableCell className="max-w-72 truncate text-danger text-xs" title={job.lastError ?? undefined}>
                    {job.lastError ?? ''}
                  </TableCell>
                </TableRow>
              ))}
              <ListStateRow
                colSpan={selectable ? 7 : 6}
                loading={false}
                empty={jobs.length === 0 && !query.isPending}
                emptyText={t(dead ? 'jobs.emptyDead' : 'jobs.empty')}
                data-testid="jobs-empty"
              />
            </TableBody>
          </Table>
        </div>
      )}
      <LoadMoreButton query={query} label={t('jobs.more')} data-testid="jobs-more" />
    </div>
  );
}

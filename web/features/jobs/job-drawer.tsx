import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Ban, RotateCcw } from 'lucide-react';
import type { ReactNode } from 'react';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { DetailSection, FactList } from '../../components/fact-list.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Sheet } from '../../components/ui/sheet.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { cn } from '../../lib/cn.ts';
import { useCan } from '../auth/session.tsx';
import { JobStatusBadge } from './job-badges.tsx';
import { canCancel, cancelJob, canRetry, JOBS_KEY, type JobRun, jobDetailQuery, retryJob } from './jobs-api.ts';

const levelClass: Record<string, string> = {
  debug: 'bg-muted-foreground',
  info: 'bg-info',
  warn: 'bg-warning',
  error: 'bg-danger',
};

/** One run: its facts, the log timeline (oldest first), and retry/cancel when its status allows. */
export function JobDrawer({ jobId, onClose }: { jobId: string | null; onClose: () => void }) {
  const t = useT();
  const detail = useQuery({ ...jobDetailQuery(jobId ?? ''), enabled: jobId !== null });
  const job = detail.data?.job;
  return (
    <Sheet
      open={jobId !== null}
      onClose={onClose}
      title={<span className="font-mono">{job?.type ?? t('common.loading')}</span>}
      description={job && <JobStatusBadge status={job.status} />}
      closeLabel={t('common.close')}
      data-testid="job-drawer"
      footer={job && <JobActions job={job} />}
    >
      {detail.isError ? (
        <ErrorNotice error={detail.error} onRetry={() => void detail.refetch()} />
      ) : !detail.data ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : (
        <JobDetails job={detail.data.job} logs={detail.data.logs} />
      )}
    </Sheet>
  );
}

function JobActions({ job }: { job: JobRun }) {
  const t = useT();
  const queryClient = useQueryClient();
  const mayManage = useCan('jobs.manage');
  const mutation = useMutation({
    mutationKey: JOBS_KEY,
    mutationFn: (action: 'retry' | 'cancel') => (action === 'retry' ? retryJob(job.id) : cancelJob(job.id)),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: JOBS_KEY }),
  });
  if (!mayManage) return null;
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button size="sm" disabled={!canRetry(job) || mutation.isPending} onClick={() => mutation.mutate('retry')} data-testid="job-retry">
        <RotateCcw aria-hidden="true" />
        {t(job.status === 'dead' ? 'jobs.action.replay' : 'jobs.action.retry')}
      </Button>
      <Button size="sm" variant="outline" disabled={!canCancel(job) || mutation.isPending} onClick={() => mutation.mutate('cancel')} data-testid="job-cancel">
        <Ban aria-hidden="true" />
        {t('jobs.action.cancel')}
      </Button>
      <FormError error={mutation.error ?? undefined} />
    </div>
  );
}

function JobDetails({
  job,
  logs,
}: {
  job: JobRun;
  logs: Array<{ id: string; at: string; level: string; message: string; metadata: Record<string, unknown> | null; attempt: number | null }>;
}) {
  const t = useT();
  const { locale } = useLocale();
  const when = (iso: string | null) => (iso ? formatDateTime(iso, locale) : '—');
  const facts: Array<[string, ReactNode]> = [
    [
      t('jobs.field.id'),
      <span key="id" className="font-mono text-xs">
        {job.id}
      </span>,
    ],
    [t('jobs.field.attempts'), `${job.attempts}/${job.maxAttempts}`],
    [t('jobs.field.store'), job.storeId ?? '—'],
    [t('jobs.field.created'), when(job.createdAt)],
    [t('jobs.field.scheduled'), when(job.scheduledAt)],
    [t('jobs.field.started'), when(job.startedAt)],
    [t('jobs.field.finished'), when(job.finishedAt)],
    [t('jobs.field.duration'), job.durationMs === null ? '—' : `${job.durationMs} ms`],
  ];
  return (
    <div className="space-y-6">
      <FactList facts={facts} />
      {job.postponedReason && (
        <p className="rounded-md border border-warning/30 bg-warning/10 p-3 text-sm" data-testid="job-postponed">
          {t('jobs.postponed', { reason: job.postponedReason })}
        </p>
      )}
      {job.lastError && (
        <DetailSection title={t('jobs.field.lastError')}>
          <pre className="whitespace-pre-wrap rounded-md border border-danger/25 bg-danger/5 p-3 text-danger text-xs" data-testid="job-last-error">
            {job.lastError}
          </pre>
        </DetailSection>
      )}
      {job.result && (
        <DetailSection title={t('jobs.field.result')}>
          <pre className="overflow-x-auto rounded-md bg-muted p-3 text-xs">{JSON.stringify(job.result, null, 2)}</pre>
        </DetailSection>
      )}
      <DetailSection title={t('jobs.timeline')} data-testid="job-timeline">
        <ol className="space-y-3 border-l pl-4">
          {logs.map((log) => (
            <li key={log.id} className="relative" data-testid="job-log" data-level={log.level}>
              <span className={cn('absolute top-1.5 -left-[1.3rem] size-2.5 rounded-full ring-2 ring-background', levelClass[log.level])} aria-hidden="true" />
              <p className="text-sm">{log.message}</p>
              <p className="text-muted-foreground text-xs">
                {formatDateTime(log.at, locale)}
                {log.attempt !== null && ` · ${t('jobs.attempt', { n: log.attempt })}`} · {log.level}
              </p>
              {log.metadata && Object.keys(log.metadata).length > 0 && (
                <pre className="mt-1 overflow-x-auto rounded bg-muted p-2 text-xs">{JSON.stringify(log.metadata)}</pre>
              )}
            </li>
          ))}
        </ol>
      </DetailSection>
    </div>
  );
}

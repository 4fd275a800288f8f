import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import {
  type JobRun,
  type JobRunStatus,
  jobDetailResponseSchema,
  jobResponseSchema,
  jobStatsResponseSchema,
  listJobsResponseSchema,
  replayDeadResponseSchema,
} from '../../../src/contracts/operations.ts';
import { request } from '../../api/index.ts';

export type { JobRun, JobRunStatus };

/** Every job query starts with this key: one invalidation (a live `job.updated` event) refreshes them all. */
export const JOBS_KEY = ['jobs'] as const;
export const JOB_PAGE_SIZE = 50;

export interface JobFilters {
  status?: JobRunStatus[];
  type?: string;
  storeId?: string;
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
}

export function jobSearch(filters: JobFilters, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (filters.status?.length) params.set('status', filters.status.join(','));
  if (filters.type) params.set('type', filters.type);
  if (filters.storeId) params.set('storeId', filters.storeId);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(JOB_PAGE_SIZE));
  return params.toString();
}

export const jobsQuery = (filters: JobFilters, dead = false) =>
  infiniteQueryOptions({
    queryKey: [...JOBS_KEY, dead ? 'dead' : 'list', filters],
    queryFn: ({ pageParam, signal }) =>
      request(`/api/jobs${dead ? '/dead' : ''}?${jobSearch(dead ? { ...filters, status: [] } : filters, pageParam)}`, {
        schema: listJobsResponseSchema,
        signal,
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

export const jobDetailQuery = (id: string) =>
  queryOptions({
    queryKey: [...JOBS_KEY, 'detail', id],
    queryFn: ({ signal }) => request(`/api/jobs/${encodeURIComponent(id)}`, { schema: jobDetailResponseSchema, signal }),
  });

export const jobStatsQuery = queryOptions({
  queryKey: [...JOBS_KEY, 'stats'],
  queryFn: ({ signal }) => request('/api/jobs/stats?windowHours=24', { schema: jobStatsResponseSchema, signal }),
});

export const retryJob = (id: string) => request(`/api/jobs/${encodeURIComponent(id)}/retry`, { method: 'POST', schema: jobResponseSchema });
export const cancelJob = (id: string) => request(`/api/jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST', schema: jobResponseSchema });
export const replayDead = (body: { ids: string[] } | { type: string }) =>
  request('/api/jobs/dead/replay', { method: 'POST', body, schema: replayDeadResponseSchema });

export const canRetry = (job: JobRun) => ['failed', 'dead', 'cancelled'].includes(job.status);
export const canCancel = (job: JobRun) => ['queued', 'retrying'].includes(job.status);

import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import {
  assignTaskResponseSchema,
  batchesResponseSchema,
  batchResponseSchema,
  completeTaskResponseSchema,
  listTasksResponseSchema,
  type MarketplaceTask,
  statsResponseSchema,
  taskDetailResponseSchema,
  taskMetricsResponseSchema,
  taskResponseSchema,
  trendResponseSchema,
} from '../../../src/contracts/tasks.ts';
import { request } from '../../api/index.ts';

export type Task = MarketplaceTask;
export type TaskPriority = Task['priority'];
export type TaskCategory = Task['category'];
export type TaskStatusValue = Task['status'];

const BASE = '/api/orchestration';

/** Every task query (lists, details, batches, stats, trend, metrics) starts with this key: one invalidation refreshes them all. */
export const TASKS_KEY = ['tasks'] as const;

/** Marketplace names are brand names: the same in every language. */
export const marketplaceNames: Record<string, string> = {
  amazon: 'Amazon',
  shopee: 'Shopee',
  mercadolivre: 'Mercado Livre',
  shein: 'SHEIN',
  tiktokshop: 'TikTok Shop',
  kaway: 'Kaway',
};
export const marketplaceName = (id: string): string => marketplaceNames[id] ?? id;

const priorityRank: Record<TaskPriority, number> = { high: 0, medium: 1, low: 2 };

/** High priority first, then the oldest submission first. */
export function compareForReview(a: Task, b: Task): number {
  return priorityRank[a.priority] - priorityRank[b.priority] || (a.submittedAt ?? a.createdAt).localeCompare(b.submittedAt ?? b.createdAt);
}

// ---- lists ----------------------------------------------------------------------------------------

export interface TaskFilters {
  status?: TaskStatusValue[];
  marketplace?: string[];
  priority?: TaskPriority[];
  category?: TaskCategory[];
  /** `me` or a user id. */
  assignedTo?: string;
  createdBy?: string;
  q?: string;
  /** ISO 8601 instants. */
  createdFrom?: string;
  createdTo?: string;
  sort?: 'created' | 'priority';
}

export const TASK_PAGE_SIZE = 50;

export function taskSearch(filters: TaskFilters, cursor?: string | null, limit = TASK_PAGE_SIZE): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (Array.isArray(value)) {
      if (value.length > 0) params.set(key, value.join(','));
    } else if (typeof value === 'string' && value.trim()) params.set(key, value.trim());
  }
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(limit));
  return params.toString();
}

export const tasksQuery = (filters: TaskFilters) =>
  infiniteQueryOptions({
    queryKey: [...TASKS_KEY, 'list', filters],
    queryFn: ({ pageParam, signal }) => request(`${BASE}/tasks?${taskSearch(filters, pageParam)}`, { schema: listTasksResponseSchema, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

/** The tasks assigned to the signed-in person that are being worked on. */
export const myWorkQuery = queryOptions({
  queryKey: [...TASKS_KEY, 'mine'],
  queryFn: ({ signal }) =>
    request(`${BASE}/tasks?${taskSearch({ assignedTo: 'me', status: ['in_progress'], sort: 'priority' }, null, 100)}`, {
      schema: listTasksResponseSchema,
      signal,
    }),
});

/** Everything awaiting approval, grouped by marketplace (the approval queue). */
export const BATCH_LIMIT = 500;
export const batchesQuery = queryOptions({
  queryKey: [...TASKS_KEY, 'batches'],
  queryFn: ({ signal }) => request(`${BASE}/batches?limit=${BATCH_LIMIT}`, { schema: batchesResponseSchema, signal }),
});
export interface Batches {
  tasks: Task[];
  grouped: Record<string, Task[]>;
  total: number;
  readyForApproval: boolean;
}

export const taskDetailQuery = (id: string) =>
  queryOptions({
    queryKey: [...TASKS_KEY, 'detail', id],
    queryFn: ({ signal }) => request(`${BASE}/tasks/${encodeURIComponent(id)}`, { schema: taskDetailResponseSchema, signal }),
  });

// ---- dashboard --------------------------------------------------------------------------------------

export const statsQuery = queryOptions({
  queryKey: [...TASKS_KEY, 'stats'],
  queryFn: ({ signal }) => request(`${BASE}/stats`, { schema: statsResponseSchema, signal }),
  refetchInterval: 60_000,
});

export const TREND_DAYS = 30;
export const trendQuery = queryOptions({
  queryKey: [...TASKS_KEY, 'trend', TREND_DAYS],
  queryFn: ({ signal }) => request(`${BASE}/stats/trend?days=${TREND_DAYS}`, { schema: trendResponseSchema, signal }),
  refetchInterval: 5 * 60_000,
});

const fetchMetrics = (signal?: AbortSignal) => request(`${BASE}/metrics`, { schema: taskMetricsResponseSchema, ...(signal ? { signal } : {}) });
export type TaskMetrics = Awaited<ReturnType<typeof fetchMetrics>>;

export const metricsQuery = queryOptions({
  queryKey: [...TASKS_KEY, 'metrics'],
  queryFn: ({ signal }) => fetchMetrics(signal),
  refetchInterval: 60_000,
});

// ---- actions -----------------------------------------------------------------------------------------

export const approveTasks = (taskIds: string[], approved: boolean, reason?: string) =>
  request(`${BASE}/tasks/approve`, { method: 'PATCH', body: { taskIds, approved, ...(reason ? { reason } : {}) }, schema: batchResponseSchema });

export const assignTask = (taskId: string, assignedTo: string) =>
  request(`${BASE}/tasks/assign`, { method: 'PATCH', body: { taskId, assignedTo }, schema: assignTaskResponseSchema });

export const completeTask = (taskId: string, actualHours: number, notes?: string) =>
  request(`${BASE}/tasks/complete`, { method: 'PATCH', body: { taskId, actualHours, ...(notes ? { notes } : {}) }, schema: completeTaskResponseSchema });

export const returnTask = (taskId: string, reason: string) =>
  request(`${BASE}/tasks/return`, { method: 'PATCH', body: { taskId, reason }, schema: taskResponseSchema });

/** Removes tasks from a cached approval queue (the optimistic half of approve/reject). */
export function withoutTasks(batches: Batches, ids: ReadonlySet<string>): Batches {
  const grouped: Batches['grouped'] = {};
  for (const [marketplace, tasks] of Object.entries(batches.grouped)) {
    const left = tasks.filter((task) => !ids.has(task.id));
    if (left.length > 0) grouped[marketplace] = left;
  }
  const tasks = batches.tasks.filter((task) => !ids.has(task.id));
  const removed = batches.tasks.length - tasks.length;
  return { ...batches, tasks, grouped, total: Math.max(0, batches.total - removed), readyForApproval: tasks.length > 0 };
}

/** `details.conflicts` of a 409 from approve: which tasks were no longer awaiting approval. */
export function readConflicts(details: unknown): Array<{ taskId: string; status: string }> {
  if (typeof details !== 'object' || details === null) return [];
  const conflicts = (details as { conflicts?: unknown }).conflicts;
  if (!Array.isArray(conflicts)) return [];
  return conflicts.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { taskId, status } = item as Record<string, unknown>;
    return typeof taskId === 'string' ? [{ taskId, status: typeof status === 'string' ? status : '' }] : [];
  });
}

/** Hours as the locale writes them, at most one decimal. */
export function formatHours(hours: number, locale: string): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(hours);
}

import { infiniteQueryOptions } from '@tanstack/react-query';
import { auditResponseSchema } from '../../../src/contracts/identity.ts';
import { request } from '../../api/index.ts';

export interface AuditFilters {
  actor?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  /** ISO 8601 instants. */
  from?: string;
  to?: string;
}

export const AUDIT_PAGE_SIZE = 50;

export function auditSearch(filters: AuditFilters, cursor?: string | null, limit = AUDIT_PAGE_SIZE): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (typeof value === 'string' && value.trim()) params.set(key, value.trim());
  if (cursor) params.set('cursor', cursor);
  params.set('limit', String(limit));
  return params.toString();
}

export const auditQuery = (filters: AuditFilters) =>
  infiniteQueryOptions({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam, signal }) => request(`/api/audit?${auditSearch(filters, pageParam)}`, { schema: auditResponseSchema, signal }),
    initialPageParam: null as string | null,
    getNextPageParam: (page) => page.nextCursor,
  });

/** A `<input type="date">` value as the start (or end) of that day in the browser's time zone, as ISO 8601. */
export function dayBoundary(date: string, edge: 'start' | 'end'): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const value = edge === 'start' ? new Date(year, month - 1, day, 0, 0, 0, 0) : new Date(year, month - 1, day, 23, 59, 59, 999);
  return value.toISOString();
}

export interface ChangeRow {
  key: string;
  before?: unknown;
  after?: unknown;
  value?: unknown;
  kind: 'diff' | 'value';
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `changes` as rows: `{before, after}` objects become one row per changed key, anything else one row per key. */
export function changeRows(changes: Record<string, unknown> | null): ChangeRow[] {
  if (!changes) return [];
  const { before, after, ...rest } = changes;
  const rows: ChangeRow[] = [];
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    for (const key of [...new Set([...Object.keys(b), ...Object.keys(a)])]) rows.push({ key, before: b[key], after: a[key], kind: 'diff' });
  } else {
    if (before !== undefined) rows.push({ key: 'before', value: before, kind: 'value' });
    if (after !== undefined) rows.push({ key: 'after', value: after, kind: 'value' });
  }
  for (const [key, value] of Object.entries(rest)) {
    if (isRecord(value) && ('from' in value || 'to' in value)) rows.push({ key, before: value.from, after: value.to, kind: 'diff' });
    else rows.push({ key, value, kind: 'value' });
  }
  return rows;
}

/** A value for display: strings as they are, everything else as compact JSON; `undefined` as an em dash. */
export function showValue(value: unknown): string {
  if (value === undefined) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

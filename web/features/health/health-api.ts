import { queryOptions } from '@tanstack/react-query';
import { fixPatternResponseSchema, type HealthReport, healthResponseSchema, queueHistoryResponseSchema } from '../../../src/contracts/health.ts';
import { noContent, request } from '../../api/index.ts';

export const HEALTH_KEY = ['health'] as const;
export const HEALTH_POLL_MS = 5_000;

/** GET /api/health as a signed-in member: the org's report. A 503 carries the same body (unhealthy), so it is an answer. */
export async function fetchHealth(signal?: AbortSignal): Promise<HealthReport> {
  const body = await request('/api/health', { schema: healthResponseSchema, acceptStatuses: [503], ...(signal ? { signal } : {}) });
  if (!('queue' in body)) throw new Error('The health report needs the health.read permission');
  return body;
}

export const healthQuery = queryOptions({
  queryKey: [...HEALTH_KEY, 'report'],
  queryFn: ({ signal }) => fetchHealth(signal),
  refetchInterval: HEALTH_POLL_MS,
  retry: 1,
});

/** The watchdog's samples (about one a minute) of the last 24 h. */
export const queueHistoryQuery = queryOptions({
  queryKey: [...HEALTH_KEY, 'queue-history'],
  queryFn: ({ signal }) => request('/api/health/queue-history?hours=24', { schema: queueHistoryResponseSchema, ...(signal ? { signal } : {}) }),
  refetchInterval: 60_000,
  retry: 1,
});

export function fixPattern(patternId: string) {
  return request(`/api/health/patterns/${encodeURIComponent(patternId)}/fix`, { method: 'POST', schema: fixPatternResponseSchema });
}

/** Built by the alerts feature (POST /api/alerts/:id/acknowledge). */
export function acknowledgeAlert(alertId: string) {
  return request(`/api/alerts/${encodeURIComponent(alertId)}/acknowledge`, { method: 'POST', schema: noContent, acceptStatuses: [200, 204] });
}

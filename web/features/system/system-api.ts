import { queryOptions } from '@tanstack/react-query';
import { type Readiness, readinessSchema, type SystemInfo, systemInfoSchema, testEventResponseSchema } from '../../../src/contracts/system.ts';
import { request } from '../../api/index.ts';

export const READINESS_POLL_MS = 5_000;
export const EVENTS_URL = '/api/events';

/** GET /readyz. A 503 carries the same JSON (which check failed), so it is an answer, not an error. */
export function fetchReadiness(signal?: AbortSignal): Promise<Readiness> {
  return request('/readyz', { schema: readinessSchema, acceptStatuses: [503], ...(signal ? { signal } : {}) });
}

export function fetchSystemInfo(signal?: AbortSignal): Promise<SystemInfo> {
  return request('/api/system/info', { schema: systemInfoSchema, ...(signal ? { signal } : {}) });
}

/** POST /api/events/test (202): the server publishes a `system.test` event on the SSE stream. */
export function sendTestEvent(message: string): Promise<{ id: string; type: 'system.test' }> {
  return request('/api/events/test', { method: 'POST', body: { message }, schema: testEventResponseSchema });
}

export const readinessQuery = queryOptions({
  queryKey: ['system', 'readiness'],
  queryFn: ({ signal }) => fetchReadiness(signal),
  refetchInterval: READINESS_POLL_MS,
  retry: false,
});

export const systemInfoQuery = queryOptions({
  queryKey: ['system', 'info'],
  queryFn: ({ signal }) => fetchSystemInfo(signal),
  refetchInterval: 30_000,
  retry: 1,
});

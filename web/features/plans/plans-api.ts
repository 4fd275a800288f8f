import { queryOptions } from '@tanstack/react-query';
import {
  type AnalysisPlan,
  type AnalysisPlanSummary,
  analysisPlanSchema,
  listPlansResponseSchema,
  type PlanStatus,
  planDecisionResponseSchema,
  uploadPlanResponseSchema,
} from '../../../src/contracts/plans.ts';
import type { Marketplace } from '../../../src/contracts/tasks.ts';
import { readErrorBody } from '../../api/api-error.ts';
import { ApiError, CSRF_COOKIE, CSRF_HEADER, readCookie, request } from '../../api/index.ts';

export type { AnalysisPlan, AnalysisPlanSummary, PlanStatus };

export const PLANS_KEY = ['plans'] as const;
export const PLANS_PAGE_SIZE = 25;

export const plansQuery = (filters: { status?: PlanStatus; channel?: Marketplace; offset: number }) =>
  queryOptions({
    queryKey: [...PLANS_KEY, 'list', filters],
    queryFn: ({ signal }) => {
      const params = new URLSearchParams({ limit: String(PLANS_PAGE_SIZE), offset: String(filters.offset) });
      if (filters.status) params.set('status', filters.status);
      if (filters.channel) params.set('channel', filters.channel);
      return request(`/api/marketplace/analysis?${params}`, { schema: listPlansResponseSchema, signal });
    },
  });

export const planQuery = (id: string) =>
  queryOptions({
    queryKey: [...PLANS_KEY, 'detail', id],
    queryFn: ({ signal }) => request(`/api/marketplace/analysis/${encodeURIComponent(id)}`, { schema: analysisPlanSchema, signal }),
  });

export const decidePlan = (id: string, body: { action: 'approve' | 'reject'; reason?: string }) =>
  request(`/api/marketplace/analysis/${encodeURIComponent(id)}`, { method: 'PATCH', body, schema: planDecisionResponseSchema });

/** Multipart upload with progress (fetch cannot report upload progress): 0..1 through `onProgress`. */
export function uploadReport(file: File, channels: Marketplace[], onProgress: (fraction: number) => void) {
  return new Promise<{ planId: string; status: PlanStatus }>((resolve, reject) => {
    const form = new FormData();
    for (const channel of channels) form.append('channels', channel);
    form.append('file', file, file.name);
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/marketplace/analysis/upload');
    xhr.setRequestHeader('accept', 'application/json');
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) xhr.setRequestHeader(CSRF_HEADER, csrf);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onerror = () => reject(new ApiError({ kind: 'network', cause: new Error('upload failed') }));
    xhr.onload = () => {
      let json: unknown;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        json = undefined;
      }
      if (xhr.status < 200 || xhr.status >= 300) return reject(new ApiError({ kind: 'http', status: xhr.status, body: readErrorBody(json) }));
      const parsed = uploadPlanResponseSchema.safeParse(json);
      if (!parsed.success) return reject(new ApiError({ kind: 'invalid-response', status: xhr.status, cause: parsed.error }));
      onProgress(1);
      resolve(parsed.data);
    };
    xhr.send(form);
  });
}

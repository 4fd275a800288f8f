import { queryOptions } from '@tanstack/react-query';
import { connectorsListSchema } from '../../../src/contracts/connectors.ts';
import {
  type CreateStoreRequest,
  type FeedUploadRequest,
  type feedFileKinds,
  feedUploadResponseSchema,
  storeLimitsResponseSchema,
  storeSchema,
  storesListSchema,
  syncStoreResponseSchema,
  testConnectionResponseSchema,
  webhookEventsResponseSchema,
} from '../../../src/contracts/stores.ts';
import { request } from '../../api/index.ts';

export const storesQuery = queryOptions({
  queryKey: ['stores'],
  queryFn: ({ signal }) => request('/api/stores', { schema: storesListSchema, signal }),
  refetchInterval: 15_000,
});

export const connectorsQuery = queryOptions({
  queryKey: ['connectors'],
  queryFn: ({ signal }) => request('/api/connectors', { schema: connectorsListSchema, signal }),
  staleTime: 5 * 60_000,
});

export const storeLimitsQuery = (storeId: string) =>
  queryOptions({
    queryKey: ['stores', storeId, 'limits'],
    queryFn: ({ signal }) => request(`/api/stores/${encodeURIComponent(storeId)}/limits`, { schema: storeLimitsResponseSchema, signal }),
    refetchInterval: 15_000,
  });

export const webhookEventsQuery = (storeId: string) =>
  queryOptions({
    queryKey: ['stores', storeId, 'webhook-events'],
    queryFn: ({ signal }) => request(`/api/stores/${encodeURIComponent(storeId)}/webhook-events`, { schema: webhookEventsResponseSchema, signal }),
    refetchInterval: 10_000,
  });

export const createStore = (body: CreateStoreRequest) => request('/api/stores', { method: 'POST', body, schema: storeSchema });
export const testStore = (id: string) => request(`/api/stores/${encodeURIComponent(id)}/test`, { method: 'POST', schema: testConnectionResponseSchema });
export const storeAction = (id: string, action: 'pause' | 'resume' | 'disconnect') =>
  request(`/api/stores/${encodeURIComponent(id)}/${action}`, { method: 'POST', schema: storeSchema });

/** The OAuth installs are full-page navigations: the server redirects to the channel, which redirects back. */
export const shopifyInstallUrl = (shop: string, name?: string) =>
  `/api/stores/oauth/shopify/start?${new URLSearchParams({ shop: shop.trim().toLowerCase(), ...(name?.trim() ? { name: name.trim() } : {}) }).toString()}`;

export type FeedFileKind = (typeof feedFileKinds)[number];

/** A Kaway feed file, sent as text in JSON; a refused file answers 400 with `details.errors` (row, column, message). */
export const uploadFeedFile = (storeId: string, kind: FeedFileKind, body: FeedUploadRequest) =>
  request(`/api/stores/${encodeURIComponent(storeId)}/feeds/${kind}`, { method: 'POST', body, schema: feedUploadResponseSchema });

/** A plain link: the browser downloads the attachment with the session cookie. */
export const stockExportUrl = (storeId: string, format: 'csv' | 'json') => `/api/stores/${encodeURIComponent(storeId)}/feeds/stock/export?format=${format}`;

/** "Sync now": queues the store's sync; answers the job id (409 with `details.reason` when refused). */
export const syncStore = (id: string) => request(`/api/stores/${encodeURIComponent(id)}/sync`, { method: 'POST', schema: syncStoreResponseSchema });

import { queryOptions } from '@tanstack/react-query';
import { z } from 'zod';
import {
  type AlertRuleKind,
  alertRuleSchema,
  alertRulesResponseSchema,
  alertSchema,
  alertsResponseSchema,
  type ChannelType,
  channelSchema,
  channelsResponseSchema,
  createChannelResponseSchema,
  deliveriesResponseSchema,
  deliverySchema,
} from '../../../src/contracts/alerts.ts';
import { noContent, request } from '../../api/index.ts';

export type { AlertRuleKind, ChannelType };

export const alertRulesQuery = queryOptions({
  queryKey: ['alert-rules'],
  queryFn: ({ signal }) => request('/api/alert-rules', { schema: alertRulesResponseSchema, signal }),
});

export const activeAlertsQuery = queryOptions({
  queryKey: ['alerts', 'active'],
  queryFn: ({ signal }) => request('/api/alerts?status=active', { schema: alertsResponseSchema, signal }),
  refetchInterval: 30_000,
});

export const channelsQuery = queryOptions({
  queryKey: ['notification-channels'],
  queryFn: ({ signal }) => request('/api/notification-channels', { schema: channelsResponseSchema, signal }),
});

export const deliveriesQuery = (channelId: string) =>
  queryOptions({
    queryKey: ['notification-channels', channelId, 'deliveries'],
    queryFn: ({ signal }) => request(`/api/notification-channels/${encodeURIComponent(channelId)}/deliveries`, { schema: deliveriesResponseSchema, signal }),
    refetchInterval: 5_000,
  });

export interface RulePatch {
  threshold?: number;
  enabled?: boolean;
  channels?: string[];
}

export const updateRule = (id: string, patch: RulePatch) =>
  request(`/api/alert-rules/${encodeURIComponent(id)}`, { method: 'PUT', body: patch, schema: alertRuleSchema });

export const acknowledgeAlert = (id: string) => request(`/api/alerts/${encodeURIComponent(id)}/acknowledge`, { method: 'POST', schema: alertSchema });

export const evaluateNow = () => request('/api/alerts/evaluate', { method: 'POST', schema: z.object({ queued: z.boolean() }) });

export interface NewChannel {
  type: ChannelType;
  name: string;
  config: Record<string, unknown>;
}

export const createChannel = (input: NewChannel) => request('/api/notification-channels', { method: 'POST', body: input, schema: createChannelResponseSchema });

export const setChannelEnabled = (id: string, enabled: boolean) =>
  request(`/api/notification-channels/${encodeURIComponent(id)}`, { method: 'PATCH', body: { enabled }, schema: channelSchema });

export const deleteChannel = (id: string) => request(`/api/notification-channels/${encodeURIComponent(id)}`, { method: 'DELETE', schema: noContent });

export const sendTest = (id: string) => request(`/api/notification-channels/${encodeURIComponent(id)}/test`, { method: 'POST', schema: deliverySchema });

/** "a@x.com, b@y.com" -> ['a@x.com', 'b@y.com'] */
export const splitRecipients = (text: string): string[] =>
  text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

import { queryOptions } from '@tanstack/react-query';
import type { z } from 'zod';
import { agentDetailSchema, agentRunQueuedSchema, agentsListResponseSchema, type updateAgentRequestSchema } from '../../../src/contracts/agents.ts';
import { request } from '../../api/index.ts';

export type { AgentDetail, AgentRun, AgentView } from '../../../src/contracts/agents.ts';
export type AgentPatch = z.input<typeof updateAgentRequestSchema>;

export const agentsQuery = queryOptions({
  queryKey: ['agents'],
  queryFn: ({ signal }) => request('/api/orchestration/agents', { schema: agentsListResponseSchema, signal }),
  refetchInterval: 10_000,
});

export const agentQuery = (id: string) =>
  queryOptions({
    queryKey: ['agents', id],
    queryFn: ({ signal }) => request(`/api/orchestration/agents/${encodeURIComponent(id)}`, { schema: agentDetailSchema, signal }),
    refetchInterval: 5_000,
  });

export const updateAgent = (id: string, patch: AgentPatch) =>
  request(`/api/orchestration/agents/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch, schema: agentDetailSchema });

export const runAgent = (id: string) => request(`/api/orchestration/agents/${encodeURIComponent(id)}/run`, { method: 'POST', schema: agentRunQueuedSchema });

export const runAllAgents = () => request('/api/orchestration/agents/run-all', { method: 'POST', schema: agentRunQueuedSchema });

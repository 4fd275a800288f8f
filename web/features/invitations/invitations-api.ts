import { queryOptions } from '@tanstack/react-query';
import { invitationPreviewSchema, loginResponseSchema } from '../../../src/contracts/identity.ts';
import { request } from '../../api/index.ts';

export const invitationQuery = (token: string) =>
  queryOptions({
    queryKey: ['invitation', token],
    queryFn: ({ signal }) => request(`/api/invitations/${encodeURIComponent(token)}`, { schema: invitationPreviewSchema, signal }),
    staleTime: Number.POSITIVE_INFINITY,
  });

export const acceptInvitation = (input: { token: string; name?: string; password: string }) =>
  request('/api/invitations/accept', { method: 'POST', body: input, schema: loginResponseSchema });

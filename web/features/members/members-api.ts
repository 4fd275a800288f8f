import { queryOptions } from '@tanstack/react-query';
import { inviteResponseSchema, membersResponseSchema } from '../../../src/contracts/identity.ts';
import type { Role } from '../../../src/contracts/permissions.ts';
import { noContent, request } from '../../api/index.ts';

export const membersQuery = queryOptions({
  queryKey: ['members'],
  queryFn: ({ signal }) => request('/api/members', { schema: membersResponseSchema, signal }),
});

export const inviteMember = (email: string, role: Role) =>
  request('/api/members/invitations', { method: 'POST', body: { email, role }, schema: inviteResponseSchema });
export const revokeInvitation = (id: string) => request(`/api/members/invitations/${encodeURIComponent(id)}`, { method: 'DELETE', schema: noContent });
/** Whatever PATCH answers, the list is refetched afterwards. */
export const changeMemberRole = (userId: string, role: Role) =>
  request(`/api/members/${encodeURIComponent(userId)}`, { method: 'PATCH', body: { role }, schema: noContent });
export const removeMember = (userId: string) => request(`/api/members/${encodeURIComponent(userId)}`, { method: 'DELETE', schema: noContent });

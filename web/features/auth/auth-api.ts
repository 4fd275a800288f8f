import { queryOptions } from '@tanstack/react-query';
import { loginResponseSchema, type Me, meSchema } from '../../../src/contracts/identity.ts';
import { ApiError, noContent, request, SESSION_QUERY_KEY } from '../../api/index.ts';

export interface LoginInput {
  email: string;
  password: string;
  totpCode?: string;
  recoveryCode?: string;
}

/** GET /api/auth/me; a 401 is an answer (nobody is signed in), not an error. */
export async function fetchMe(signal?: AbortSignal): Promise<Me | null> {
  try {
    return await request('/api/auth/me', { schema: meSchema, ...(signal ? { signal } : {}) });
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export const meQuery = queryOptions({
  queryKey: SESSION_QUERY_KEY,
  queryFn: ({ signal }) => fetchMe(signal),
  staleTime: 60_000,
});

export const login = (input: LoginInput) => request('/api/auth/login', { method: 'POST', body: input, schema: loginResponseSchema });
export const logout = () => request('/api/auth/logout', { method: 'POST', schema: noContent });
export const logoutEverywhere = () => request('/api/auth/logout-all', { method: 'POST', schema: noContent });
export const switchOrg = (orgId: string) => request('/api/auth/switch-org', { method: 'POST', body: { orgId }, schema: meSchema });
export const changePassword = (currentPassword: string, newPassword: string) =>
  request('/api/auth/password', { method: 'POST', body: { currentPassword, newPassword }, schema: noContent });

/** The server's rule for new passwords (also enforced there). */
export const MIN_PASSWORD_LENGTH = 12;

import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError } from './api-error.ts';

/** The query holding the signed-in person (`GET /api/auth/me`; `null` when signed out). */
export const SESSION_QUERY_KEY = ['auth', 'me'] as const;

const isClientError = (error: unknown) => error instanceof ApiError && error.kind === 'http' && error.status !== undefined && error.status < 500;

/**
 * Any 401 from a query or mutation may mean the session ended (expired, revoked, logged out elsewhere):
 * re-check who we are; the app then sends the user to /login if `me` is gone.
 */
function onApiError(error: unknown, client: () => QueryClient): void {
  if (error instanceof ApiError && error.status === 401) void client().invalidateQueries({ queryKey: SESSION_QUERY_KEY });
}

export function createQueryClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error) => onApiError(error, () => client) }),
    mutationCache: new MutationCache({ onError: (error) => onApiError(error, () => client) }),
    defaultOptions: {
      queries: {
        staleTime: 2_000,
        refetchOnWindowFocus: true,
        // 4xx answers (401, 403, 404) will not change by asking again.
        retry: (failureCount, error) => !isClientError(error) && failureCount < 2,
      },
    },
  });
  return client;
}

export const queryClient = createQueryClient();

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { useCallback } from 'react';
import type { Me } from '../../../src/contracts/identity.ts';
import { SESSION_QUERY_KEY } from '../../api/index.ts';
import { safeRedirect } from './redirect.ts';

/** Set right before an intentional sign-out so the app goes to /login without a "come back to" path. */
let signingOut = false;
export function consumeSigningOut(): boolean {
  const value = signingOut;
  signingOut = false;
  return value;
}

/** What to do with the query cache and the location when the session starts or ends. */
export function useSessionActions() {
  const queryClient = useQueryClient();
  const router = useRouter();

  /** A session started (login, accepted invitation): forget the previous person's data, then go on. */
  const signedIn = useCallback(
    (me: Me, redirect?: string) => {
      queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
      queryClient.setQueryData(SESSION_QUERY_KEY, me);
      router.history.push(safeRedirect(redirect));
    },
    [queryClient, router],
  );

  /** The session ended (log out, log out everywhere): drop everything and show the login page. */
  const signedOut = useCallback(() => {
    signingOut = true;
    queryClient.setQueryData(SESSION_QUERY_KEY, null);
    queryClient.removeQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
    void router.navigate({ to: '/login', replace: true });
  }, [queryClient, router]);

  /** Another org (or role) now: every cached answer belonged to the previous one. */
  const switchedOrg = useCallback(
    async (me: Me) => {
      queryClient.setQueryData(SESSION_QUERY_KEY, me);
      await queryClient.invalidateQueries({ predicate: (query) => query.queryKey[0] !== SESSION_QUERY_KEY[0] });
    },
    [queryClient],
  );

  return { signedIn, signedOut, switchedOrg };
}

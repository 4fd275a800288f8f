import { useQuery } from '@tanstack/react-query';
import { useRouter } from '@tanstack/react-router';
import { type ReactNode, useEffect, useRef } from 'react';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { AppShell } from '../../components/layout/app-shell.tsx';
import { LiveUpdates } from '../tasks/live-updates.tsx';
import { meQuery } from './auth-api.ts';
import { ForcedPasswordChange, ForcedTwoFactor } from './forced-screens.tsx';
import { MeProvider } from './session.tsx';
import { consumeSigningOut } from './use-session-actions.ts';

/**
 * Everything behind the login: no session -> /login (remembering where we were); a one-time password
 * or a required-but-missing second factor -> that screen first; otherwise the app shell.
 */
export function AuthenticatedApp({ children }: { children?: ReactNode }) {
  const session = useQuery(meQuery);
  const router = useRouter();
  const redirecting = useRef(false);
  const signedOut = session.data === null;

  // Navigate once per sign-out (rendering <Navigate> would re-fire with every location change
  // while the transition is pending, nesting ?redirect=/login?redirect=…).
  useEffect(() => {
    if (!signedOut) {
      redirecting.current = false;
      return;
    }
    if (redirecting.current) return;
    redirecting.current = true;
    if (consumeSigningOut()) return; // an intentional log out navigates by itself
    const here = router.state.location.href;
    const search = here === '/' || here.startsWith('/login') ? {} : { redirect: here };
    void router.navigate({ to: '/login', search, replace: true });
  }, [signedOut, router]);

  if (signedOut) return null;
  if (!session.data) {
    if (session.isError) {
      return (
        <div className="mx-auto max-w-xl p-8">
          <ErrorNotice error={session.error} onRetry={() => void session.refetch()} />
        </div>
      );
    }
    return <div className="min-h-svh" aria-busy="true" />;
  }
  const me = session.data;
  if (me.user.mustChangePassword) return <ForcedPasswordChange me={me} />;
  if (me.twoFactorSetupRequired) return <ForcedTwoFactor me={me} />;
  return (
    <MeProvider me={me}>
      <LiveUpdates />
      <AppShell>{children}</AppShell>
    </MeProvider>
  );
}

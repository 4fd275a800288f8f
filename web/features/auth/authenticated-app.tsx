import { useQuery } from '@tanstack/react-query';
import { Navigate, useRouterState } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { AppShell } from '../../components/layout/app-shell.tsx';
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
  const href = useRouterState({ select: (state) => state.location.href });

  if (session.data === null) {
    const signingOut = consumeSigningOut();
    return <Navigate to="/login" search={signingOut || href === '/' ? {} : { redirect: href }} replace />;
  }
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
      <AppShell>{children}</AppShell>
    </MeProvider>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { LogOut } from 'lucide-react';
import type { Me } from '../../../src/contracts/identity.ts';
import { SESSION_QUERY_KEY } from '../../api/index.ts';
import { Button } from '../../components/ui/button.tsx';
import { useT } from '../../i18n/index.ts';
import { ChangePasswordForm } from '../profile/change-password-form.tsx';
import { TwoFactorSetup } from '../profile/two-factor-setup.tsx';
import { logout } from './auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { useSessionActions } from './use-session-actions.ts';

function SignOutLink() {
  const t = useT();
  const { signedOut } = useSessionActions();
  const mutation = useMutation({ mutationFn: logout, onSettled: signedOut });
  return (
    <Button variant="link" size="sm" className="text-muted-foreground" onClick={() => mutation.mutate()} data-testid="forced-logout">
      <LogOut />
      {t('user.logout')}
    </Button>
  );
}

/** A one-time (bootstrap or reset) password must be replaced before anything else. */
export function ForcedPasswordChange({ me }: { me: Me }) {
  const t = useT();
  return (
    <AuthLayout
      title={t('forced.password.title')}
      description={t('forced.password.description', { email: me.user.email })}
      testId="forced-password"
      footer={<SignOutLink />}
    >
      <ChangePasswordForm submitLabel={t('forced.password.submit')} />
    </AuthLayout>
  );
}

/** The org requires two-factor for this role: enrol before using anything. */
export function ForcedTwoFactor({ me }: { me: Me }) {
  const t = useT();
  const queryClient = useQueryClient();
  return (
    <AuthLayout
      title={t('forced.twoFactor.title')}
      description={t('forced.twoFactor.description', { org: me.org.name })}
      testId="forced-two-factor"
      className="max-w-xl"
      footer={<SignOutLink />}
    >
      <TwoFactorSetup account={me.user.email} onFinished={() => void queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY })} />
    </AuthLayout>
  );
}

import { useMutation } from '@tanstack/react-query';
import { LogOut } from 'lucide-react';
import { useState } from 'react';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { useT } from '../../i18n/index.ts';
import { logoutEverywhere } from '../auth/auth-api.ts';
import { useMe } from '../auth/session.tsx';
import { useSessionActions } from '../auth/use-session-actions.ts';
import { ChangePasswordForm } from './change-password-form.tsx';
import { TwoFactorCard } from './two-factor-card.tsx';

export function ProfilePage() {
  const t = useT();
  const me = useMe();
  return (
    <div className="space-y-6" data-testid="profile-page">
      <PageHeader title={t('profile.title')} description={t('profile.subtitle')} />
      <Card>
        <CardHeader>
          <CardTitle>{t('profile.account.title')}</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-x-8 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="text-muted-foreground">{t('profile.account.name')}</dt>
            <dd data-testid="profile-name">{me.user.name}</dd>
            <dt className="text-muted-foreground">{t('profile.account.email')}</dt>
            <dd data-testid="profile-email">{me.user.email}</dd>
            <dt className="text-muted-foreground">{t('profile.account.org')}</dt>
            <dd className="flex items-center gap-2">
              {me.org.name}
              <Badge variant="outline">{t(`role.${me.role}`)}</Badge>
            </dd>
          </dl>
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>{t('password.title')}</CardTitle>
          <CardDescription>{t('password.description')}</CardDescription>
        </CardHeader>
        <CardContent>
          <ChangePasswordForm />
        </CardContent>
      </Card>
      <TwoFactorCard />
      <SessionsCard />
    </div>
  );
}

function SessionsCard() {
  const t = useT();
  const { signedOut } = useSessionActions();
  const [confirming, setConfirming] = useState(false);
  const mutation = useMutation({ mutationFn: logoutEverywhere, onSuccess: signedOut });
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('profile.sessions.title')}</CardTitle>
        <CardDescription>{t('profile.sessions.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        <Button variant="outline" onClick={() => setConfirming(true)} data-testid="logout-everywhere">
          <LogOut />
          {t('profile.sessions.logoutAll')}
        </Button>
      </CardContent>
      <ConfirmDialog
        open={confirming}
        title={t('profile.sessions.confirmTitle')}
        description={t('profile.sessions.confirmBody')}
        confirmLabel={t('profile.sessions.logoutAll')}
        onConfirm={() => mutation.mutate()}
        onClose={() => {
          setConfirming(false);
          mutation.reset();
        }}
        pending={mutation.isPending}
        error={mutation.error}
        destructive
        testId="logout-everywhere-dialog"
      />
    </Card>
  );
}

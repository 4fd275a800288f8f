import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useParams, useRouter } from '@tanstack/react-router';
import { CircleAlert } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/index.ts';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { formatDate, useLocale, useT } from '../../i18n/index.ts';
import { MIN_PASSWORD_LENGTH } from '../auth/auth-api.ts';
import { AuthLayout } from '../auth/auth-layout.tsx';
import { NewPasswordFields } from '../auth/new-password-fields.tsx';
import { useSessionActions } from '../auth/use-session-actions.ts';
import { acceptInvitation, invitationQuery } from './invitations-api.ts';

export function AcceptInvitationPage() {
  const t = useT();
  const { locale } = useLocale();
  const { token } = useParams({ strict: false }) as { token: string };
  const query = useQuery(invitationQuery(token));
  const { signedIn } = useSessionActions();
  const router = useRouter();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const mutation = useMutation({
    mutationFn: acceptInvitation,
    onSuccess: (result) => {
      if (result.status === 'ok') signedIn(result.me, '/');
      // The existing account has two-factor on: finish by signing in with the code.
      else void router.navigate({ to: '/login' });
    },
  });

  if (query.isError) {
    const gone = query.error instanceof ApiError && (query.error.status === 404 || query.error.status === 410);
    return (
      <AuthLayout title={t('invite.invalid.title')} testId="invite-invalid">
        <div className="space-y-4">
          {gone ? (
            <p className="flex items-start gap-2 text-muted-foreground">
              <CircleAlert className="mt-0.5 size-4 shrink-0 text-danger" aria-hidden="true" />
              {t('invite.invalid.body')}
            </p>
          ) : (
            <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
          )}
          <Button asChild variant="outline">
            <Link to="/login">{t('invite.goToLogin')}</Link>
          </Button>
        </div>
      </AuthLayout>
    );
  }
  if (!query.data) {
    return (
      <AuthLayout title={t('invite.title')}>
        <p className="text-muted-foreground">{t('common.loading')}</p>
      </AuthLayout>
    );
  }

  const invitation = query.data;
  const existing = invitation.existingUser;
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!existing) {
      if (password.length < MIN_PASSWORD_LENGTH) return setProblem(t('password.tooShort', { min: MIN_PASSWORD_LENGTH }));
      if (password !== confirm) return setProblem(t('password.mismatch'));
    }
    setProblem(null);
    mutation.mutate({ token, password, ...(existing ? {} : { name: name.trim() }) });
  };

  return (
    <AuthLayout
      title={t('invite.title')}
      description={t('invite.description', { org: invitation.orgName })}
      testId="invite-card"
      footer={t('invite.expires', { date: formatDate(invitation.expiresAt, locale) })}
    >
      <div className="mb-5 flex flex-wrap items-center gap-2 rounded-md border bg-muted/40 px-3 py-2 text-sm" data-testid="invite-summary">
        <span className="min-w-0 flex-1 truncate font-medium" data-testid="invite-email">
          {invitation.email}
        </span>
        <Badge variant="outline" data-testid="invite-role">
          {t(`role.${invitation.role}`)}
        </Badge>
      </div>
      <form onSubmit={onSubmit} className="grid gap-4" data-testid="invite-form" data-existing={existing}>
        {existing ? (
          <>
            <p className="text-muted-foreground text-sm">{t('invite.existing')}</p>
            <input type="email" autoComplete="username" value={invitation.email} readOnly hidden />
            <Field label={t('login.password')} htmlFor="invite-password">
              <Input
                id="invite-password"
                data-testid="invite-password"
                type="password"
                autoComplete="current-password"
                required
                autoFocus
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </Field>
          </>
        ) : (
          <>
            <input type="email" autoComplete="username" value={invitation.email} readOnly hidden />
            <Field label={t('invite.name')} htmlFor="invite-name">
              <Input
                id="invite-name"
                data-testid="invite-name"
                autoComplete="name"
                required
                maxLength={120}
                autoFocus
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            </Field>
            <NewPasswordFields
              newId="invite-password"
              confirmId="invite-confirm"
              password={password}
              confirm={confirm}
              onPassword={setPassword}
              onConfirm={setConfirm}
            />
          </>
        )}
        {(problem || mutation.isError) && <FormError {...(problem ? { message: problem } : { error: mutation.error })} />}
        <Button type="submit" disabled={mutation.isPending} data-testid="invite-accept">
          {mutation.isPending ? t('common.working') : existing ? t('invite.join') : t('invite.create')}
        </Button>
      </form>
    </AuthLayout>
  );
}

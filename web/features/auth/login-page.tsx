import { useMutation, useQuery } from '@tanstack/react-query';
import { Navigate, useSearch } from '@tanstack/react-router';
import { KeyRound, LogIn } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { ApiError } from '../../api/index.ts';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { useT } from '../../i18n/index.ts';
import { type LoginInput, login, meQuery } from './auth-api.ts';
import { AuthLayout } from './auth-layout.tsx';
import { safeRedirect } from './redirect.ts';
import { useCountdown } from './use-countdown.ts';
import { useSessionActions } from './use-session-actions.ts';

type Step = 'credentials' | 'code';
type CodeKind = 'totp' | 'recovery';

export function LoginPage() {
  const t = useT();
  const search: { redirect?: string } = useSearch({ strict: false });
  const session = useQuery(meQuery);
  const { signedIn } = useSessionActions();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<Step>('credentials');
  const [codeKind, setCodeKind] = useState<CodeKind>('totp');
  const [code, setCode] = useState('');
  const [retryUntil, setRetryUntil] = useState<number | null>(null);
  const waitSeconds = useCountdown(retryUntil);

  const mutation = useMutation({
    mutationFn: (input: LoginInput) => login(input),
    onSuccess: (result) => {
      if (result.status === 'ok') signedIn(result.me, search.redirect);
      else {
        setStep('code');
        setCode('');
      }
    },
    onError: (error) => {
      if (error instanceof ApiError && error.status === 429) setRetryUntil(Date.now() + (error.retryAfterSeconds ?? 60) * 1000);
    },
  });

  // Already signed in (a second tab, or the back button): straight on.
  if (session.data) return <Navigate to={safeRedirect(search.redirect)} replace />;

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input: LoginInput = { email: email.trim(), password };
    if (step === 'code') {
      if (codeKind === 'totp') input.totpCode = code.replace(/\s/g, '');
      else input.recoveryCode = code.trim();
    }
    mutation.mutate(input);
  };

  const error = mutation.error;
  let message: string | undefined;
  if (error instanceof ApiError && error.status === 401) message = step === 'code' ? t('login.error.code') : t('login.error.credentials');
  else if (error instanceof ApiError && error.status === 429) message = waitSeconds > 0 ? t('login.error.rateLimited', { seconds: waitSeconds }) : undefined;
  const blocked = waitSeconds > 0;

  return (
    <AuthLayout
      title={step === 'code' ? t('login.code.title') : t('login.title')}
      description={step === 'code' ? (codeKind === 'totp' ? t('login.code.totpDescription') : t('login.code.recoveryDescription')) : t('login.description')}
      testId="login-card"
    >
      <form onSubmit={onSubmit} className="grid gap-4" noValidate={false} data-testid="login-form" data-step={step}>
        {step === 'credentials' ? (
          <>
            <Field label={t('login.email')} htmlFor="login-email">
              <Input
                id="login-email"
                data-testid="login-email"
                type="email"
                autoComplete="username"
                required
                autoFocus
                value={email}
                onChange={(event) => setEmail(event.target.value)}
              />
            </Field>
            <Field label={t('login.password')} htmlFor="login-password">
              <Input
                id="login-password"
                data-testid="login-password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(event) => setPassword(event.target.value)}
              />
            </Field>
          </>
        ) : codeKind === 'totp' ? (
          <Field label={t('login.code.totp')} htmlFor="login-totp">
            <Input
              id="login-totp"
              data-testid="login-totp"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              autoFocus
              className="font-mono text-lg tracking-[0.4em]"
              value={code}
              onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
            />
          </Field>
        ) : (
          <Field label={t('login.code.recovery')} htmlFor="login-recovery">
            <Input
              id="login-recovery"
              data-testid="login-recovery"
              autoComplete="off"
              spellCheck={false}
              required
              autoFocus
              className="font-mono"
              value={code}
              onChange={(event) => setCode(event.target.value)}
            />
          </Field>
        )}

        {(message || (error && !(error instanceof ApiError && (error.status === 401 || error.status === 429)))) && (
          <FormError {...(message ? { message } : { error })} />
        )}

        <Button type="submit" disabled={mutation.isPending || blocked} data-testid="login-submit">
          {step === 'code' ? <KeyRound /> : <LogIn />}
          {mutation.isPending ? t('login.submitting') : step === 'code' ? t('login.code.submit') : t('login.submit')}
        </Button>

        {step === 'code' && (
          <div className="flex flex-wrap items-center justify-between gap-2">
            <Button
              variant="link"
              size="sm"
              className="px-0"
              data-testid="login-toggle-code"
              onClick={() => {
                setCodeKind(codeKind === 'totp' ? 'recovery' : 'totp');
                setCode('');
                mutation.reset();
              }}
            >
              {codeKind === 'totp' ? t('login.code.useRecovery') : t('login.code.useTotp')}
            </Button>
            <Button
              variant="link"
              size="sm"
              className="px-0 text-muted-foreground"
              onClick={() => {
                setStep('credentials');
                setCode('');
                mutation.reset();
              }}
            >
              {t('login.code.back')}
            </Button>
          </div>
        )}
      </form>
    </AuthLayout>
  );
}

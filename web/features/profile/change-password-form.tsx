import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { SESSION_QUERY_KEY } from '../../api/index.ts';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { useT } from '../../i18n/index.ts';
import { changePassword, MIN_PASSWORD_LENGTH } from '../auth/auth-api.ts';
import { NewPasswordFields } from '../auth/new-password-fields.tsx';

/** Current password, a new one (twice). On success the session's `me` is refreshed (clears `mustChangePassword`). */
export function ChangePasswordForm({ onChanged, submitLabel }: { onChanged?: () => void; submitLabel?: string }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const mutation = useMutation({
    mutationFn: () => changePassword(current, next),
    onSuccess: async () => {
      setCurrent('');
      setNext('');
      setConfirm('');
      setDone(true);
      await queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
      onChanged?.();
    },
  });

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(false);
    if (next.length < MIN_PASSWORD_LENGTH) return setProblem(t('password.tooShort', { min: MIN_PASSWORD_LENGTH }));
    if (next !== confirm) return setProblem(t('password.mismatch'));
    if (next === current) return setProblem(t('password.same'));
    setProblem(null);
    mutation.mutate();
  };

  return (
    <form onSubmit={onSubmit} className="grid max-w-md gap-4" data-testid="change-password-form">
      <Field label={t('password.current')} htmlFor="password-current">
        <Input
          id="password-current"
          data-testid="password-current"
          type="password"
          autoComplete="current-password"
          required
          value={current}
          onChange={(event) => setCurrent(event.target.value)}
        />
      </Field>
      <NewPasswordFields newId="password-new" confirmId="password-confirm" password={next} confirm={confirm} onPassword={setNext} onConfirm={setConfirm} />
      {(problem || mutation.isError) && <FormError {...(problem ? { message: problem } : { error: mutation.error })} />}
      {done && (
        <p role="status" className="text-sm text-success" data-testid="password-changed">
          {t('password.changed')}
        </p>
      )}
      <div>
        <Button type="submit" disabled={mutation.isPending} data-testid="password-submit">
          {mutation.isPending ? t('common.saving') : (submitLabel ?? t('password.submit'))}
        </Button>
      </div>
    </form>
  );
}

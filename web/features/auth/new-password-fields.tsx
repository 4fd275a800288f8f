import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { useT } from '../../i18n/index.ts';
import { MIN_PASSWORD_LENGTH } from './auth-api.ts';

interface NewPasswordFieldsProps {
  /** Prefix of the inputs' ids and test ids: `<prefix>-password|new` and `<prefix>-confirm`. */
  newId: string;
  confirmId: string;
  password: string;
  confirm: string;
  onPassword: (value: string) => void;
  onConfirm: (value: string) => void;
}

/** A new password (with the policy hint) and its confirmation: one markup for every form that sets one. */
export function NewPasswordFields({ newId, confirmId, password, confirm, onPassword, onConfirm }: NewPasswordFieldsProps) {
  const t = useT();
  return (
    <>
      <Field label={t('password.new')} htmlFor={newId} hint={t('password.hint', { min: MIN_PASSWORD_LENGTH })}>
        <Input
          id={newId}
          data-testid={newId}
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD_LENGTH}
          value={password}
          onChange={(event) => onPassword(event.target.value)}
        />
      </Field>
      <Field label={t('password.confirm')} htmlFor={confirmId}>
        <Input
          id={confirmId}
          data-testid={confirmId}
          type="password"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(event) => onConfirm(event.target.value)}
        />
      </Field>
    </>
  );
}

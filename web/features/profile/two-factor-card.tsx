import { useMutation, useQueryClient } from '@tanstack/react-query';
import { KeyRound, ShieldOff } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { SESSION_QUERY_KEY } from '../../api/index.ts';
import { FormError } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { useT } from '../../i18n/index.ts';
import { useMe } from '../auth/session.tsx';
import { RecoveryCodes } from './recovery-codes.tsx';
import { disableTwoFactor, regenerateRecoveryCodes } from './two-factor-api.ts';
import { TwoFactorSetup } from './two-factor-setup.tsx';

export function TwoFactorCard() {
  const t = useT();
  const me = useMe();
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<'disable' | 'codes' | null>(null);
  const enabled = me.user.twoFactorEnabled;
  const refreshMe = () => void queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });

  return (
    <Card data-testid="two-factor-card" data-enabled={enabled}>
      <CardHeader>
        <CardTitle>{t('twoFactor.title')}</CardTitle>
        <CardDescription>{t('twoFactor.description')}</CardDescription>
        <CardAction>
          <Badge variant={enabled ? 'success' : 'secondary'} data-testid="two-factor-status">
            {enabled ? t('twoFactor.on') : t('twoFactor.off')}
          </Badge>
        </CardAction>
      </CardHeader>
      <CardContent>
        {enabled ? (
          <div className="flex flex-wrap gap-2">
            <Button variant="outline" onClick={() => setDialog('codes')} data-testid="two-factor-new-codes">
              <KeyRound />
              {t('twoFactor.recovery.regenerate')}
            </Button>
            <Button variant="outline" onClick={() => setDialog('disable')} data-testid="two-factor-disable">
              <ShieldOff />
              {t('twoFactor.disable.action')}
            </Button>
          </div>
        ) : (
          <TwoFactorSetup account={me.user.email} onFinished={refreshMe} />
        )}
      </CardContent>
      <DisableDialog open={dialog === 'disable'} onClose={() => setDialog(null)} onDisabled={refreshMe} />
      <NewCodesDialog open={dialog === 'codes'} onClose={() => setDialog(null)} account={me.user.email} />
    </Card>
  );
}

function DisableDialog({ open, onClose, onDisabled }: { open: boolean; onClose: () => void; onDisabled: () => void }) {
  const t = useT();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const mutation = useMutation({
    mutationFn: () => disableTwoFactor(password, code),
    onSuccess: () => {
      close();
      onDisabled();
    },
  });
  const close = () => {
    setPassword('');
    setCode('');
    mutation.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <Dialog open={open} onClose={close} title={t('twoFactor.disable.title')} description={t('twoFactor.disable.description')} closeLabel={t('common.close')}>
      <form onSubmit={onSubmit} className="grid gap-4">
        <Field label={t('password.current')} htmlFor="disable-2fa-password">
          <Input
            id="disable-2fa-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
          />
        </Field>
        <Field label={t('twoFactor.code')} htmlFor="disable-2fa-code">
          <Input
            id="disable-2fa-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            className="font-mono tracking-[0.3em]"
            value={code}
            onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
          />
        </Field>
        {mutation.isError && <FormError error={mutation.error} />}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={close}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={mutation.isPending || code.length !== 6 || !password} className="bg-danger text-white hover:bg-danger/90">
            {mutation.isPending ? t('common.working') : t('twoFactor.disable.confirm')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

function NewCodesDialog({ open, onClose, account }: { open: boolean; onClose: () => void; account: string }) {
  const t = useT();
  const [code, setCode] = useState('');
  const mutation = useMutation({ mutationFn: () => regenerateRecoveryCodes(code) });
  const close = () => {
    setCode('');
    mutation.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={t('twoFactor.recovery.regenerate')}
      description={t('twoFactor.recovery.regenerateDescription')}
      closeLabel={t('common.close')}
    >
      {mutation.data ? (
        <div className="space-y-4">
          <RecoveryCodes codes={mutation.data.recoveryCodes} account={account} />
          <div className="flex justify-end">
            <Button onClick={close}>{t('common.done')}</Button>
          </div>
        </div>
      ) : (
        <form onSubmit={onSubmit} className="grid gap-4">
          <Field label={t('twoFactor.code')} htmlFor="new-codes-code">
            <Input
              id="new-codes-code"
              inputMode="numeric"
              autoComplete="one-time-code"
              pattern="\d{6}"
              maxLength={6}
              required
              className="font-mono tracking-[0.3em]"
              value={code}
              onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
            />
          </Field>
          {mutation.isError && <FormError error={mutation.error} />}
          <div className="flex justify-end gap-2">
            <Button variant="outline" onClick={close}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" disabled={mutation.isPending || code.length !== 6}>
              {mutation.isPending ? t('common.working') : t('twoFactor.recovery.generate')}
            </Button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

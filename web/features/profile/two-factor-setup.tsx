import { useMutation } from '@tanstack/react-query';
import { ShieldCheck } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { useT } from '../../i18n/index.ts';
import { RecoveryCodes } from './recovery-codes.tsx';
import { enableTwoFactor, groupSecret, startTwoFactorSetup, svgDataUri } from './two-factor-api.ts';

/**
 * Enrolment: get a secret (QR + text) -> confirm a code -> show the recovery codes once.
 * `onFinished` runs when the user has seen the codes and continues.
 */
export function TwoFactorSetup({ account, onFinished, onCancel }: { account: string; onFinished: () => void; onCancel?: () => void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const setup = useMutation({ mutationFn: startTwoFactorSetup });
  const enable = useMutation({ mutationFn: (value: string) => enableTwoFactor(value) });

  if (enable.data) {
    return (
      <div className="space-y-4" data-testid="two-factor-enabled">
        <p className="flex items-center gap-2 font-medium text-success">
          <ShieldCheck className="size-4" aria-hidden="true" />
          {t('twoFactor.setup.done')}
        </p>
        <RecoveryCodes codes={enable.data.recoveryCodes} account={account} />
        <Button onClick={onFinished} data-testid="two-factor-finish">
          {t('twoFactor.setup.finish')}
        </Button>
      </div>
    );
  }

  if (!setup.data) {
    return (
      <div className="space-y-3">
        <p className="text-muted-foreground text-sm">{t('twoFactor.setup.intro')}</p>
        {setup.isError && <FormError error={setup.error} />}
        <div className="flex flex-wrap gap-2">
          <Button onClick={() => setup.mutate()} disabled={setup.isPending} data-testid="two-factor-start">
            <ShieldCheck />
            {setup.isPending ? t('common.working') : t('twoFactor.setup.start')}
          </Button>
          {onCancel && (
            <Button variant="ghost" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
        </div>
      </div>
    );
  }

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    enable.mutate(code);
  };

  return (
    <div className="space-y-4" data-testid="two-factor-setup">
      <ol className="list-decimal space-y-1 pl-5 text-sm">
        <li>{t('twoFactor.setup.step1')}</li>
        <li>{t('twoFactor.setup.step2')}</li>
      </ol>
      <div className="flex flex-col items-start gap-4 sm:flex-row">
        <img
          src={svgDataUri(setup.data.qrSvg)}
          alt={t('twoFactor.setup.qrAlt')}
          width={176}
          height={176}
          className="size-44 shrink-0 rounded-md border bg-white p-2"
          data-testid="two-factor-qr"
        />
        <div className="min-w-0 space-y-1.5">
          <p className="text-muted-foreground text-xs">{t('twoFactor.setup.manual')}</p>
          <code className="block select-all break-all rounded-md border bg-muted/50 px-3 py-2 font-mono text-sm" data-testid="two-factor-secret">
            {groupSecret(setup.data.secret)}
          </code>
        </div>
      </div>
      <form onSubmit={onSubmit} className="grid max-w-xs gap-3">
        <Field label={t('twoFactor.code')} htmlFor="two-factor-code">
          <Input
            id="two-factor-code"
            data-testid="two-factor-code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="\d{6}"
            maxLength={6}
            required
            className="font-mono text-lg tracking-[0.4em]"
            value={code}
            onChange={(event) => setCode(event.target.value.replace(/\D/g, ''))}
          />
        </Field>
        {enable.isError && <FormError error={enable.error} />}
        <div className="flex flex-wrap gap-2">
          <Button type="submit" disabled={enable.isPending || code.length !== 6} data-testid="two-factor-enable">
            {enable.isPending ? t('common.working') : t('twoFactor.setup.enable')}
          </Button>
          {onCancel && (
            <Button variant="ghost" onClick={onCancel}>
              {t('common.cancel')}
            </Button>
          )}
        </div>
      </form>
    </div>
  );
}

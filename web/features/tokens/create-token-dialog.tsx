import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type AgentId, agentIds } from '../../../src/contracts/agents.ts';
import { tokenKinds } from '../../../src/contracts/identity.ts';
import { type Permission, tokenGrantableScopes } from '../../../src/contracts/permissions.ts';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { useT } from '../../i18n/index.ts';
import { agentNames, type CreateTokenInput, createToken, expiryChoices, type TokenKind, tokensQuery } from './tokens-api.ts';

interface CreateTokenDialogProps {
  open: boolean;
  onClose: () => void;
  /** The new token and its secret (shown once by the caller). */
  onCreated: (secret: string, name: string) => void;
}

const defaultScopes: Permission[] = ['system.read', 'events.read'];

export function CreateTokenDialog({ open, onClose, onCreated }: CreateTokenDialogProps) {
  const t = useT();
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<TokenKind>('agent');
  const [name, setName] = useState('');
  const [agentId, setAgentId] = useState<AgentId>('marketplace-master');
  const [scopes, setScopes] = useState<Permission[]>(defaultScopes);
  const [expiry, setExpiry] = useState<string>('90');

  const reset = () => {
    setKind('agent');
    setName('');
    setAgentId('marketplace-master');
    setScopes(defaultScopes);
    setExpiry('90');
  };
  const mutation = useMutation({
    mutationFn: createToken,
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: tokensQuery.queryKey });
      reset();
      mutation.reset();
      onCreated(result.secret, result.token.name);
    },
  });
  const close = () => {
    reset();
    mutation.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input: CreateTokenInput = { kind, name: name.trim(), scopes: kind === 'agent' ? [] : scopes };
    if (kind === 'agent') input.agentId = agentId;
    if (expiry) input.expiresInDays = Number(expiry);
    mutation.mutate(input);
  };
  const toggleScope = (scope: Permission, on: boolean) => setScopes((current) => (on ? [...current, scope] : current.filter((s) => s !== scope)));

  return (
    <Dialog
      open={open}
      onClose={close}
      title={t('tokens.create.title')}
      description={t('tokens.create.description')}
      dismissible={!mutation.isPending}
      closeLabel={t('common.close')}
      data-testid="create-token-dialog"
    >
      <form onSubmit={onSubmit} className="grid gap-4">
        <Field label={t('tokens.kind')} htmlFor="token-kind" hint={t(`tokens.kind.${kind}.description`)}>
          <Select id="token-kind" data-testid="token-kind" value={kind} onChange={(event) => setKind(event.target.value as TokenKind)}>
            {tokenKinds.map((option) => (
              <option key={option} value={option}>
                {t(`tokens.kind.${option}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('tokens.name')} htmlFor="token-name" hint={t('tokens.nameHint')}>
          <Input id="token-name" data-testid="token-name" required maxLength={100} autoFocus value={name} onChange={(event) => setName(event.target.value)} />
        </Field>
        {kind === 'agent' ? (
          <Field label={t('tokens.agent')} htmlFor="token-agent" hint={t('tokens.agentHint')}>
            <Select id="token-agent" data-testid="token-agent" value={agentId} onChange={(event) => setAgentId(event.target.value as AgentId)}>
              {agentIds.map((id) => (
                <option key={id} value={id}>
                  {agentNames[id]}
                </option>
              ))}
            </Select>
          </Field>
        ) : (
          <fieldset className="grid gap-2">
            <legend className="mb-2 font-medium text-sm">{t('tokens.scopes')}</legend>
            <div className="grid max-h-56 gap-1 overflow-y-auto rounded-md border p-2">
              {tokenGrantableScopes.map((scope) => (
                <label key={scope} htmlFor={`token-scope-${scope}`} className="flex cursor-pointer items-start gap-2.5 rounded px-1.5 py-1 hover:bg-accent/60">
                  <Checkbox
                    id={`token-scope-${scope}`}
                    className="mt-0.5"
                    data-testid={`token-scope-${scope}`}
                    checked={scopes.includes(scope)}
                    onChange={(event) => toggleScope(scope, event.target.checked)}
                  />
                  <span className="grid gap-0.5">
                    <span className="font-mono text-xs">{scope}</span>
                    <span className="text-muted-foreground text-xs">{t(`permission.${scope}`)}</span>
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
        )}
        <Field label={t('tokens.expires')} htmlFor="token-expiry">
          <Select id="token-expiry" data-testid="token-expiry" value={expiry} onChange={(event) => setExpiry(event.target.value)}>
            {expiryChoices.map((days) => (
              <option key={days ?? 'never'} value={days ?? ''}>
                {days === null ? t('tokens.expiry.never') : t('tokens.expiry.days', { days })}
              </option>
            ))}
          </Select>
        </Field>
        {mutation.isError && <FormError error={mutation.error} />}
        <div className="flex justify-end gap-2">
          <Button variant="outline" onClick={close} disabled={mutation.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={mutation.isPending || !name.trim() || (kind !== 'agent' && scopes.length === 0)} data-testid="token-create-submit">
            {mutation.isPending ? t('common.working') : t('tokens.create.submit')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { useT } from '../../i18n/index.ts';
import { createStore, storesQuery } from './stores-api.ts';

/** SP-API marketplaces offered in the form (the connector accepts every published id). */
const marketplaceOptions = [
  ['A2Q3Y263D00KWC', 'Amazon.com.br (BR)'],
  ['ATVPDKIKX0DER', 'Amazon.com (US)'],
  ['A2EUQ1WTGCTBG2', 'Amazon.ca (CA)'],
  ['A1AM78C64UM0Y8', 'Amazon.com.mx (MX)'],
  ['A1F83G8C2ARO7P', 'Amazon.co.uk (UK)'],
  ['A1PA6795UKMFR9', 'Amazon.de (DE)'],
  ['A13V1IB3VIYZZH', 'Amazon.fr (FR)'],
  ['APJ6JRA9NG5V4', 'Amazon.it (IT)'],
  ['A1RKKUPIHCS9HS', 'Amazon.es (ES)'],
  ['A1VC38T7YXB528', 'Amazon.co.jp (JP)'],
  ['A39IBJ37TRP1C6', 'Amazon.com.au (AU)'],
] as const;

/** Key entry for an Amazon SP-API seller: LWA client id/secret, refresh token, seller id and marketplace. */
export function AmazonConnectForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [fields, setFields] = useState({
    name: '',
    sellerId: '',
    marketplaceId: 'A2Q3Y263D00KWC',
    lwaClientId: '',
    lwaClientSecret: '',
    refreshToken: '',
    apiBaseUrl: '',
    authUrl: '',
  });
  const set = (key: keyof typeof fields) => (event: { target: { value: string } }) => setFields((f) => ({ ...f, [key]: event.target.value }));
  const create = useMutation({
    mutationFn: () =>
      createStore({
        platform: 'amazon',
        name: fields.name.trim() || `Amazon ${fields.sellerId.trim()}`,
        connectorConfig: {
          sellerId: fields.sellerId.trim(),
          marketplaceId: fields.marketplaceId,
          ...(fields.apiBaseUrl.trim() ? { apiBaseUrl: fields.apiBaseUrl.trim() } : {}),
          ...(fields.authUrl.trim() ? { authUrl: fields.authUrl.trim() } : {}),
        },
        credentials: { lwaClientId: fields.lwaClientId.trim(), lwaClientSecret: fields.lwaClientSecret, refreshToken: fields.refreshToken.trim() },
      }),
    onSuccess: () => {
      setFields((f) => ({ ...f, lwaClientSecret: '', refreshToken: '' }));
      onDone();
      void queryClient.invalidateQueries({ queryKey: storesQuery.queryKey });
    },
  });
  const text = (key: keyof typeof fields, label: string, secret = false, placeholder?: string) => (
    <Field label={label} htmlFor={`amazon-${key}`}>
      <Input
        id={`amazon-${key}`}
        value={fields[key]}
        onChange={set(key)}
        {...(secret ? { type: 'password', autoComplete: 'off', required: true } : {})}
        placeholder={placeholder}
        data-testid={`amazon-${key}`}
      />
    </Field>
  );
  return (
    <form
      className="mt-6 space-y-4 border-t pt-4"
      data-testid="amazon-connect"
      onSubmit={(event) => {
        event.preventDefault();
        create.mutate();
      }}
    >
      <p className="font-medium text-sm">{t('stores.amazon.title')}</p>
      <p className="text-muted-foreground text-xs">{t('stores.amazon.help')}</p>
      {text('name', t('stores.name'))}
      {text('sellerId', t('stores.amazon.sellerId'), false, 'A1B2C3D4E5F6G7')}
      <Field label={t('stores.amazon.marketplace')} htmlFor="amazon-marketplaceId">
        <Select id="amazon-marketplaceId" value={fields.marketplaceId} onChange={set('marketplaceId')} data-testid="amazon-marketplaceId">
          {marketplaceOptions.map(([id, label]) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
        </Select>
      </Field>
      {text('lwaClientId', t('stores.amazon.clientId'), false, 'amzn1.application-oa2-client.…')}
      {text('lwaClientSecret', t('stores.amazon.clientSecret'), true)}
      {text('refreshToken', t('stores.amazon.refreshToken'), true)}
      {text('apiBaseUrl', t('stores.connect.apiBaseUrl'))}
      {text('authUrl', t('stores.amazon.authUrl'))}
      {create.error && <FormError error={create.error} />}
      <Button type="submit" variant="outline" disabled={create.isPending || !fields.sellerId || !fields.lwaClientId} data-testid="amazon-save">
        {t('stores.amazon.save')}
      </Button>
    </form>
  );
}

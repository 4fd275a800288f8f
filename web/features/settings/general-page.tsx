import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Save } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import type { OrgSettings } from '../../../src/contracts/identity.ts';
import { SESSION_QUERY_KEY } from '../../api/index.ts';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent } from '../../components/ui/card.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { formatDate, useLocale, useT } from '../../i18n/index.ts';
import { useCan } from '../auth/session.tsx';
import { orgQuery, timeZones, updateOrg } from './org-api.ts';
import { SettingsSection } from './settings-section.tsx';

interface Draft {
  name: string;
  settings: OrgSettings;
}

export function GeneralSettingsPage() {
  return (
    <SettingsSection pageId="general">
      <GeneralSettings />
    </SettingsSection>
  );
}

function GeneralSettings() {
  const t = useT();
  const { locale } = useLocale();
  const canEdit = useCan('org.update');
  const queryClient = useQueryClient();
  const query = useQuery(orgQuery);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saved, setSaved] = useState(false);
  const mutation = useMutation({
    mutationFn: updateOrg,
    onSuccess: (org) => {
      queryClient.setQueryData(orgQuery.queryKey, org);
      setDraft(null);
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
    },
  });

  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <p className="text-muted-foreground">{t('common.loading')}</p>;
  const org = query.data;
  const value: Draft = draft ?? { name: org.name, settings: org.settings };
  const dirty = draft !== null && (draft.name !== org.name || JSON.stringify(draft.settings) !== JSON.stringify(org.settings));
  const edit = (change: Partial<Draft> | ((settings: OrgSettings) => OrgSettings)) => {
    setSaved(false);
    setDraft(typeof change === 'function' ? { ...value, settings: change(value.settings) } : { ...value, ...change });
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    mutation.mutate({ name: value.name.trim(), settings: value.settings });
  };

  return (
    <Card className="max-w-2xl">
      <CardContent>
        <form onSubmit={onSubmit} className="grid gap-5" data-testid="org-settings-form">
          <Field label={t('settings.general.name')} htmlFor="org-name">
            <Input
              id="org-name"
              data-testid="org-name"
              required
              maxLength={120}
              disabled={!canEdit}
              value={value.name}
              onChange={(event) => edit({ name: event.target.value })}
            />
          </Field>
          <p className="-mt-2 text-muted-foreground text-xs">{t('settings.general.meta', { slug: org.slug, date: formatDate(org.createdAt, locale) })}</p>
          <Field label={t('settings.general.timeZone')} htmlFor="org-time-zone" hint={t('settings.general.timeZoneHint')}>
            <Select
              id="org-time-zone"
              data-testid="org-time-zone"
              disabled={!canEdit}
              value={value.settings.timeZone}
              onChange={(event) => edit((settings) => ({ ...settings, timeZone: event.target.value }))}
            >
              {timeZones(value.settings.timeZone).map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll('_', ' ')}
                </option>
              ))}
            </Select>
          </Field>
          <fieldset className="grid gap-3">
            <legend className="mb-3 font-medium text-sm">{t('settings.general.security')}</legend>
            <ToggleRow
              id="org-require-2fa"
              checked={value.settings.requireTwoFactorForAdmins}
              disabled={!canEdit}
              onChange={(checked) => edit((settings) => ({ ...settings, requireTwoFactorForAdmins: checked }))}
              label={t('settings.general.require2fa')}
              hint={t('settings.general.require2faHint')}
            />
            <ToggleRow
              id="org-self-approval"
              checked={value.settings.allowSelfApproval}
              disabled={!canEdit}
              onChange={(checked) => edit((settings) => ({ ...settings, allowSelfApproval: checked }))}
              label={t('settings.general.selfApproval')}
              hint={t('settings.general.selfApprovalHint')}
            />
          </fieldset>
          {mutation.isError && <FormError error={mutation.error} />}
          {canEdit ? (
            <div className="flex items-center gap-3">
              <Button type="submit" disabled={!dirty || mutation.isPending} data-testid="org-save">
                <Save />
                {mutation.isPending ? t('common.saving') : t('common.save')}
              </Button>
              {saved && !dirty && (
                <span role="status" className="text-sm text-success" data-testid="org-saved">
                  {t('common.saved')}
                </span>
              )}
            </div>
          ) : (
            <p className="text-muted-foreground text-sm" data-testid="org-read-only">
              {t('settings.readOnly')}
            </p>
          )}
        </form>
      </CardContent>
    </Card>
  );
}

function ToggleRow(props: { id: string; checked: boolean; disabled: boolean; onChange: (checked: boolean) => void; label: string; hint: string }) {
  return (
    <div className="flex items-start gap-3 rounded-lg border p-3">
      <Checkbox
        id={props.id}
        data-testid={props.id}
        className="mt-0.5"
        checked={props.checked}
        disabled={props.disabled}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      <div className="grid gap-1">
        <label htmlFor={props.id} className="font-medium text-sm leading-snug">
          {props.label}
        </label>
        <p className="text-muted-foreground text-xs">{props.hint}</p>
      </div>
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ListChecks, Plus, Send, Trash2, TriangleAlert } from 'lucide-react';
import { type FormEvent, useState } from 'react';
import type { NotificationChannel } from '../../../src/contracts/alerts.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { CopyField } from '../../components/copy-button.tsx';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Dialog } from '../../components/ui/dialog.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Field } from '../../components/ui/label.tsx';
import { Select } from '../../components/ui/select.tsx';
import { Sheet } from '../../components/ui/sheet.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { useCan } from '../auth/session.tsx';
import { SettingsSection } from '../settings/settings-section.tsx';
import {
  type ChannelType,
  channelsQuery,
  createChannel,
  deleteChannel,
  deliveriesQuery,
  type NewChannel,
  sendTest,
  setChannelEnabled,
  splitRecipients,
} from './alerts-api.ts';

/** Settings → Notifications: where alerts go (Slack, e-mail, signed webhooks), test sends and the delivery log. */
export function NotificationsSettingsPage() {
  const t = useT();
  const canManage = useCan('channels.manage');
  const [adding, setAdding] = useState(false);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  return (
    <SettingsSection
      pageId="notifications"
      actions={
        canManage && (
          <Button onClick={() => setAdding(true)} data-testid="add-channel">
            <Plus />
            {t('channels.add')}
          </Button>
        )
      }
    >
      <Channels />
      {canManage && (
        <AddChannelDialog
          open={adding}
          onClose={() => setAdding(false)}
          onCreated={(name, signingSecret) => {
            setAdding(false);
            if (signingSecret) setSecret({ name, value: signingSecret });
          }}
        />
      )}
      <Dialog
        open={secret !== null}
        onClose={() => setSecret(null)}
        title={t('channels.secret.title', { name: secret?.name ?? '' })}
        closeLabel={t('common.close')}
        data-testid="channel-secret-dialog"
      >
        {secret && (
          <div className="space-y-4">
            <p className="flex items-start gap-2 rounded-md border border-warning/30 bg-warning/10 px-3 py-2 text-sm">
              <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
              {t('channels.secret.warning')}
            </p>
            <CopyField value={secret.value} testId="channel-secret" />
            <p className="text-muted-foreground text-xs">{t('channels.secret.usage')}</p>
            <div className="flex justify-end">
              <Button onClick={() => setSecret(null)} data-testid="channel-secret-done">
                {t('common.done')}
              </Button>
            </div>
          </div>
        )}
      </Dialog>
    </SettingsSection>
  );
}

const typeBadge = { slack: 'info', email: 'secondary', webhook: 'outline' } as const;

function Channels() {
  const t = useT();
  const canManage = useCan('channels.manage');
  const queryClient = useQueryClient();
  const query = useQuery(channelsQuery);
  const [log, setLog] = useState<NotificationChannel | null>(null);
  const [removing, setRemoving] = useState<NotificationChannel | null>(null);
  const [lastTest, setLastTest] = useState<{ channelId: string; ok: boolean; error: string | null } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: channelsQuery.queryKey });
  const test = useMutation({
    mutationFn: (channel: NotificationChannel) => sendTest(channel.id),
    onSuccess: (delivery) => {
      setLastTest({ channelId: delivery.channelId, ok: delivery.status === 'delivered', error: delivery.error });
      void queryClient.invalidateQueries({ queryKey: deliveriesQuery(delivery.channelId).queryKey });
    },
  });
  const toggle = useMutation({ mutationFn: (c: NotificationChannel) => setChannelEnabled(c.id, !c.enabled), onSettled: refresh });
  const remove = useMutation({
    mutationFn: (c: NotificationChannel) => deleteChannel(c.id),
    onSuccess: () => setRemoving(null),
    onSettled: refresh,
  });

  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <p className="text-muted-foreground">{t('common.loading')}</p>;
  if (query.data.channels.length === 0)
    return (
      <p className="rounded-lg border border-dashed px-4 py-8 text-center text-muted-foreground" data-testid="channels-empty">
        {t('channels.empty')}
      </p>
    );
  return (
    <>
      <Table data-testid="channels-table">
        <TableHeader>
          <TableRow>
            <TableHead>{t('channels.name')}</TableHead>
            <TableHead>{t('channels.type')}</TableHead>
            <TableHead>{t('channels.target')}</TableHead>
            <TableHead>{t('channels.enabled')}</TableHead>
            <TableHead className="text-right">{t('common.actions')}</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {query.data.channels.map((channel) => (
            <TableRow key={channel.id} data-testid="channel-row" data-name={channel.name}>
              <TableCell className="font-medium">{channel.name}</TableCell>
              <TableCell>
                <Badge variant={typeBadge[channel.type]}>{t(`channels.type.${channel.type}`)}</Badge>
              </TableCell>
              <TableCell className="max-w-72 truncate font-mono text-muted-foreground text-xs" title={channel.target}>
                {channel.target}
              </TableCell>
              <TableCell>
                <Checkbox
                  checked={channel.enabled}
                  disabled={!canManage || toggle.isPending}
                  aria-label={t('channels.enabledFor', { name: channel.name })}
                  onChange={() => toggle.mutate(channel)}
                />
              </TableCell>
              <TableCell className="whitespace-nowrap text-right">
                {canManage && (
                  <Button variant="ghost" size="sm" onClick={() => test.mutate(channel)} disabled={test.isPending} data-testid="channel-test">
                    <Send />
                    {t('channels.test')}
                  </Button>
                )}
                <Button variant="ghost" size="sm" onClick={() => setLog(channel)} data-testid="channel-log">
                  <ListChecks />
                  {t('channels.log')}
                </Button>
                {canManage && (
                  <Button variant="ghost" size="sm" onClick={() => setRemoving(channel)} aria-label={t('channels.delete')} data-testid="channel-delete">
                    <Trash2 />
                  </Button>
                )}
                {lastTest?.channelId === channel.id && (
                  <p className={lastTest.ok ? 'text-success text-xs' : 'text-danger text-xs'} data-testid="channel-test-result">
                    {lastTest.ok ? t('channels.testOk') : t('channels.testFailed', { error: lastTest.error ?? '' })}
                  </p>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <FormError error={test.error ?? toggle.error} className="mt-3" />
      <DeliveryLog channel={log} onClose={() => setLog(null)} />
      <ConfirmDialog
        open={removing !== null}
        title={t('channels.delete')}
        description={t('channels.deleteBody', { name: removing?.name ?? '' })}
        confirmLabel={t('channels.delete')}
        onConfirm={() => removing && remove.mutate(removing)}
        onClose={() => {
          setRemoving(null);
          remove.reset();
        }}
        pending={remove.isPending}
        error={remove.error}
        destructive
        testId="channel-delete-dialog"
      />
    </>
  );
}

const statusBadge = { delivered: 'success', failed: 'danger', retrying: 'warning', queued: 'secondary' } as const;

function DeliveryLog({ channel, onClose }: { channel: NotificationChannel | null; onClose: () => void }) {
  const t = useT();
  const { locale } = useLocale();
  const query = useQuery({ ...deliveriesQuery(channel?.id ?? 'none'), enabled: channel !== null });
  return (
    <Sheet
      open={channel !== null}
      onClose={onClose}
      title={t('channels.logTitle', { name: channel?.name ?? '' })}
      description={t('channels.logDescription')}
      closeLabel={t('common.close')}
      className="sm:max-w-2xl"
      data-testid="delivery-log"
    >
      {query.isError ? (
        <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
      ) : !query.data ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : query.data.deliveries.length === 0 ? (
        <p className="text-muted-foreground">{t('channels.logEmpty')}</p>
      ) : (
        <Table>
          <TableHeader>
            <TableRow>
              <TableHead>{t('channels.log.when')}</TableHead>
              <TableHead>{t('channels.log.event')}</TableHead>
              <TableHead>{t('channels.log.status')}</TableHead>
              <TableHead>{t('channels.log.attempts')}</TableHead>
              <TableHead>{t('channels.log.response')}</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {query.data.deliveries.map((d) => (
              <TableRow key={d.id} data-testid="delivery-row" data-event={d.event} data-status={d.status}>
                <TableCell className="whitespace-nowrap text-muted-foreground text-xs">{formatDateTime(d.lastAttemptAt ?? d.createdAt, locale)}</TableCell>
                <TableCell>{t(`channels.event.${d.event}`)}</TableCell>
                <TableCell>
                  <Badge variant={statusBadge[d.status]}>{t(`channels.status.${d.status}`)}</Badge>
                </TableCell>
                <TableCell>{d.attempts}</TableCell>
                <TableCell className="max-w-56 text-xs">
                  {d.responseCode ?? '—'}
                  {d.error && <span className="block text-danger">{d.error}</span>}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Sheet>
  );
}

function AddChannelDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (name: string, secret: string | null) => void }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [type, setType] = useState<ChannelType>('webhook');
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [to, setTo] = useState('');
  const [smtpUrl, setSmtpUrl] = useState('');
  const reset = () => {
    setType('webhook');
    setName('');
    setUrl('');
    setTo('');
    setSmtpUrl('');
  };
  const mutation = useMutation({
    mutationFn: (input: NewChannel) => createChannel(input),
    onSuccess: (created) => {
      void queryClient.invalidateQueries({ queryKey: channelsQuery.queryKey });
      reset();
      mutation.reset();
      onCreated(created.name, created.signingSecret);
    },
  });
  const close = () => {
    reset();
    mutation.reset();
    onClose();
  };
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const config = type === 'email' ? { to: splitRecipients(to), ...(smtpUrl.trim() ? { smtpUrl: smtpUrl.trim() } : {}) } : { url: url.trim() };
    mutation.mutate({ type, name: name.trim(), config });
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title={t('channels.addTitle')}
      description={t('channels.addDescription')}
      dismissible={!mutation.isPending}
      closeLabel={t('common.close')}
      data-testid="add-channel-dialog"
    >
      <form onSubmit={onSubmit} className="grid gap-4">
        <Field label={t('channels.type')} htmlFor="channel-type" hint={t(`channels.type.${type}.hint`)}>
          <Select id="channel-type" data-testid="channel-type" value={type} onChange={(event) => setType(event.target.value as ChannelType)}>
            {(['webhook', 'slack', 'email'] as const).map((option) => (
              <option key={option} value={option}>
                {t(`channels.type.${option}`)}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t('channels.name')} htmlFor="channel-name">
          <Input id="channel-name" data-testid="channel-name" required maxLength={120} value={name} onChange={(event) => setName(event.target.value)} />
        </Field>
        {type === 'email' ? (
          <>
            <Field label={t('channels.recipients')} htmlFor="channel-to" hint={t('channels.recipientsHint')}>
              <Input id="channel-to" data-testid="channel-to" required value={to} onChange={(event) => setTo(event.target.value)} />
            </Field>
            <Field label={t('channels.smtpUrl')} htmlFor="channel-smtp" hint={t('channels.smtpUrlHint')}>
              <Input
                id="channel-smtp"
                data-testid="channel-smtp"
                value={smtpUrl}
                onChange={(event) => setSmtpUrl(event.target.value)}
                placeholder="smtp://user:pass@smtp.example.com:587"
              />
            </Field>
          </>
        ) : (
          <Field label={t('channels.url')} htmlFor="channel-url" hint={t('channels.urlHint')}>
            <Input
              id="channel-url"
              data-testid="channel-url"
              type="url"
              required
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              placeholder={type === 'slack' ? 'https://hooks.slack.com/services/…' : 'https://example.com/webhooks/nexo'}
            />
          </Field>
        )}
        <FormError error={mutation.error} />
        <div className="flex justify-end gap-2">
          <Button type="button" variant="outline" onClick={close} disabled={mutation.isPending}>
            {t('common.cancel')}
          </Button>
          <Button type="submit" disabled={mutation.isPending} data-testid="channel-save">
            {mutation.isPending ? t('channels.testing') : t('channels.testAndSave')}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

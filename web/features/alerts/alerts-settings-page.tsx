import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BellRing, Check, RefreshCw } from 'lucide-react';
import { useState } from 'react';
import type { Alert, AlertRule } from '../../../src/contracts/alerts.ts';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Checkbox } from '../../components/ui/checkbox.tsx';
import { Input } from '../../components/ui/input.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDateTime, useLocale, useT } from '../../i18n/index.ts';
import { useCan } from '../auth/session.tsx';
import { SettingsSection } from '../settings/settings-section.tsx';
import { acknowledgeAlert, activeAlertsQuery, alertRulesQuery, channelsQuery, evaluateNow, updateRule } from './alerts-api.ts';

/** Settings → Alerts: open alerts with acknowledge, and the rules with their thresholds, switches and channels. */
export function AlertsSettingsPage() {
  const t = useT();
  const canManage = useCan('alerts.manage');
  const queryClient = useQueryClient();
  const evaluate = useMutation({
    mutationFn: evaluateNow,
    // The evaluation is a queued job: look again a few times while it runs.
    onSuccess: () => {
      for (const ms of [1000, 3000, 6000])
        setTimeout(() => {
          void queryClient.invalidateQueries({ queryKey: ['alerts'] });
          void queryClient.invalidateQueries({ queryKey: alertRulesQuery.queryKey });
        }, ms);
    },
  });
  return (
    <SettingsSection
      pageId="alerts"
      actions={
        canManage && (
          <Button variant="outline" onClick={() => evaluate.mutate()} disabled={evaluate.isPending} data-testid="alerts-evaluate">
            <RefreshCw />
            {t('alerts.evaluateNow')}
          </Button>
        )
      }
    >
      <ActiveAlerts />
      <Rules />
    </SettingsSection>
  );
}

const severityBadge = { warning: 'warning', critical: 'danger' } as const;

function ActiveAlerts() {
  const t = useT();
  const { locale } = useLocale();
  const canAck = useCan('alerts.acknowledge');
  const queryClient = useQueryClient();
  const query = useQuery(activeAlertsQuery);
  const ack = useMutation({
    mutationFn: (alert: Alert) => acknowledgeAlert(alert.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['alerts'] }),
  });
  return (
    <Card data-testid="active-alerts">
      <CardHeader>
        <CardTitle className="flex items-center gap-2">
          <BellRing className="size-4" aria-hidden="true" />
          {t('alerts.active.title')}
        </CardTitle>
        <CardDescription>{t('alerts.active.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        {query.isError ? (
          <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
        ) : !query.data ? (
          <p className="text-muted-foreground">{t('common.loading')}</p>
        ) : query.data.alerts.length === 0 ? (
          <p className="rounded-lg border border-dashed px-4 py-6 text-center text-muted-foreground" data-testid="alerts-none">
            {t('alerts.active.none')}
          </p>
        ) : (
          <ul className="divide-y">
            {query.data.alerts.map((alert) => (
              <li
                key={alert.id}
                className="flex flex-wrap items-start justify-between gap-3 py-3"
                data-testid="alert-row"
                data-kind={alert.kind}
                data-status={alert.status}
              >
                <div className="min-w-0 space-y-1">
                  <p className="flex flex-wrap items-center gap-2 font-medium">
                    <Badge variant={severityBadge[alert.severity]}>{t(`alerts.severity.${alert.severity}`)}</Badge>
                    {alert.title}
                  </p>
                  <p className="text-muted-foreground text-sm">{alert.recommendation}</p>
                  <p className="text-muted-foreground text-xs">
                    {t('alerts.openedAt', { at: formatDateTime(alert.openedAt, locale) })} ·{' '}
                    {t('alerts.lastSeen', { at: formatDateTime(alert.lastSeenAt, locale) })}
                  </p>
                </div>
                {alert.status === 'acknowledged' ? (
                  <Badge variant="secondary" data-testid="alert-acknowledged">
                    <Check className="size-3" aria-hidden="true" />
                    {t('alerts.status.acknowledged')}
                  </Badge>
                ) : (
                  canAck && (
                    <Button size="sm" variant="outline" onClick={() => ack.mutate(alert)} disabled={ack.isPending} data-testid="alert-acknowledge">
                      {t('alerts.acknowledge')}
                    </Button>
                  )
                )}
              </li>
            ))}
          </ul>
        )}
        <FormError error={ack.error} className="mt-3" />
      </CardContent>
    </Card>
  );
}

function Rules() {
  const t = useT();
  const query = useQuery(alertRulesQuery);
  const canManage = useCan('alerts.manage');
  const canReadChannels = useCan('channels.read');
  const channels = useQuery({ ...channelsQuery, enabled: canReadChannels });
  if (query.isError) return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  if (!query.data) return <p className="text-muted-foreground">{t('common.loading')}</p>;
  return (
    <Card>
      <CardHeader>
        <CardTitle>{t('alerts.rules.title')}</CardTitle>
        <CardDescription>{t('alerts.rules.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        <Table data-testid="alert-rules-table">
          <TableHeader>
            <TableRow>
              <TableHead>{t('alerts.rules.rule')}</TableHead>
              <TableHead>{t('alerts.rules.threshold')}</TableHead>
              <TableHead>{t('alerts.rules.current')}</TableHead>
              <TableHead>{t('alerts.rules.enabled')}</TableHead>
              <TableHead>{t('alerts.rules.channels')}</TableHead>
              {canManage && <TableHead className="text-right">{t('common.actions')}</TableHead>}
            </TableRow>
          </TableHeader>
          <TableBody>
            {query.data.rules.map((rule) => (
              <RuleRow key={rule.id} rule={rule} canManage={canManage} channels={channels.data?.channels ?? []} />
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function RuleRow({ rule, canManage, channels }: { rule: AlertRule; canManage: boolean; channels: Array<{ id: string; name: string }> }) {
  const t = useT();
  const queryClient = useQueryClient();
  const [threshold, setThreshold] = useState(String(rule.threshold));
  const [enabled, setEnabled] = useState(rule.enabled);
  const [selected, setSelected] = useState<string[]>(rule.channels);
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => updateRule(rule.id, { threshold: Number(threshold), enabled, channels: selected }),
    onSuccess: () => {
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: alertRulesQuery.queryKey });
    },
  });
  const dirty = Number(threshold) !== rule.threshold || enabled !== rule.enabled || [...selected].sort().join() !== [...rule.channels].sort().join();
  const valid = threshold.trim() !== '' && Number.isFinite(Number(threshold)) && Number(threshold) >= 0;
  const unit = t(`alerts.unit.${rule.unit as 'tasks'}`);
  return (
    <TableRow data-testid="alert-rule-row" data-kind={rule.kind}>
      <TableCell className="min-w-56">
        <p className="font-medium">{t(`alerts.kind.${rule.kind}`)}</p>
        <p className="text-muted-foreground text-xs">{t(`alerts.kind.${rule.kind}.hint`)}</p>
      </TableCell>
      <TableCell className="whitespace-nowrap">
        {canManage ? (
          <span className="flex items-center gap-2">
            <Input
              type="number"
              min={0}
              step="any"
              className="h-8 w-24"
              aria-label={t('alerts.rules.thresholdFor', { rule: t(`alerts.kind.${rule.kind}`) })}
              data-testid="rule-threshold"
              value={threshold}
              onChange={(event) => {
                setThreshold(event.target.value);
                setSaved(false);
              }}
            />
            <span className="text-muted-foreground text-xs">{unit}</span>
          </span>
        ) : (
          <span data-testid="rule-threshold-value">
            {rule.threshold} {unit}
          </span>
        )}
      </TableCell>
      <TableCell className="whitespace-nowrap text-muted-foreground" data-testid="rule-last-value">
        {rule.lastValue === null ? t('alerts.rules.noData') : `${Math.round(rule.lastValue * 100) / 100} ${unit}`}
      </TableCell>
      <TableCell>
        <Checkbox
          checked={enabled}
          disabled={!canManage}
          aria-label={t('alerts.rules.enabledFor', { rule: t(`alerts.kind.${rule.kind}`) })}
          data-testid="rule-enabled"
          onChange={(event) => {
            setEnabled(event.target.checked);
            setSaved(false);
          }}
        />
      </TableCell>
      <TableCell className="min-w-40">
        {channels.length === 0 ? (
          <span className="text-muted-foreground text-xs">
            {rule.channels.length === 0 ? t('alerts.rules.noChannels') : t('alerts.rules.channelCount', { n: rule.channels.length })}
          </span>
        ) : (
          <span className="grid gap-1">
            {channels.map((channel) => (
              <label key={channel.id} htmlFor={`rule-${rule.id}-channel-${channel.id}`} className="flex items-center gap-2 text-xs">
                <Checkbox
                  id={`rule-${rule.id}-channel-${channel.id}`}
                  checked={selected.includes(channel.id)}
                  disabled={!canManage}
                  data-testid="rule-channel"
                  data-channel={channel.name}
                  onChange={(event) => {
                    setSelected((current) => (event.target.checked ? [...current, channel.id] : current.filter((id) => id !== channel.id)));
                    setSaved(false);
                  }}
                />
                {channel.name}
              </label>
            ))}
          </span>
        )}
      </TableCell>
      {canManage && (
        <TableCell className="text-right">
          <Button size="sm" disabled={!dirty || !valid || save.isPending} onClick={() => save.mutate()} data-testid="rule-save">
            {save.isPending ? t('common.saving') : t('common.save')}
          </Button>
          {saved && !dirty && (
            <span className="ml-2 text-success text-xs" data-testid="rule-saved">
              {t('common.saved')}
            </span>
          )}
          <FormError error={save.error} className="mt-2 text-left" />
        </TableCell>
      )}
    </TableRow>
  );
}

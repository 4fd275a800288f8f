import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Wrench } from 'lucide-react';
import { lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import type { HealthReport, StuckPatternView } from '../../../src/contracts/health.ts';
import { ErrorNotice, FormError } from '../../components/error-notice.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { Badge, StatusDot } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { formatDateTime, formatDuration, type PlainMessageKey, useLocale, useT } from '../../i18n/index.ts';
import { useCan } from '../auth/session.tsx';
import { acknowledgeAlert, fixPattern, HEALTH_KEY, healthQuery, queueHistoryQuery } from './health-api.ts';
import type { DepthSample } from './queue-depth-chart.tsx';
import { PatternRecommendation, patternTitle } from './stuck-pattern-text.tsx';

const QueueDepthChart = lazy(() => import('./queue-depth-chart.tsx'));
const MAX_SAMPLES = 120;

type Status = HealthReport['overall_status'];
const statusBadge = {
  healthy: { variant: 'success', label: 'health.status.healthy' },
  degraded: { variant: 'warning', label: 'health.status.degraded' },
  unhealthy: { variant: 'danger', label: 'health.status.unhealthy' },
} as const satisfies Record<Status, { variant: string; label: PlainMessageKey }>;
const severityVariant = { critical: 'danger', warning: 'warning', info: 'info' } as const;

function StatusBadge({ status, testId }: { status: Status; testId?: string }) {
  const t = useT();
  const { variant, label } = statusBadge[status];
  return (
    <Badge variant={variant} data-testid={testId} data-status={status}>
      <StatusDot />
      {t(label)}
    </Badge>
  );
}

function Figure({ label, value, testId }: { label: string; value: ReactNode; testId?: string }) {
  return (
    <div className="rounded-lg border px-3 py-2">
      <p className="text-muted-foreground text-xs">{label}</p>
      <p className="font-semibold text-lg tabular-nums" data-testid={testId}>
        {value}
      </p>
    </div>
  );
}

function Empty({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <p className="rounded-lg border border-dashed px-4 py-6 text-center text-muted-foreground text-sm" data-testid={testId}>
      {children}
    </p>
  );
}

/** The watchdog's stored samples (24 h, one a minute), followed by the live ones of this page (the report is polled every 5 s). */
function useDepthSamples(report: HealthReport | undefined, updatedAt: number): DepthSample[] {
  const history = useQuery(queueHistoryQuery);
  const [live, setLive] = useState<DepthSample[]>([]);
  useEffect(() => {
    if (!report || updatedAt === 0) return;
    setLive((previous) => [...previous, { at: updatedAt, depth: report.queue.depth, active: report.queue.active }].slice(-MAX_SAMPLES));
  }, [report, updatedAt]);
  const stored = (history.data?.samples ?? []).map((s) => ({ at: Date.parse(s.at), depth: s.depth, active: s.active }));
  const lastStored = stored.at(-1)?.at ?? 0;
  return [...stored, ...live.filter((s) => s.at > lastStored)];
}

export function HealthPage() {
  const t = useT();
  const query = useQuery(healthQuery);
  const report = query.data;
  const samples = useDepthSamples(report, query.dataUpdatedAt);
  return (
    <div className="space-y-6" data-testid="health-page">
      <PageHeader
        title={t('health.title')}
        description={t('health.subtitle')}
        actions={report ? <StatusBadge status={report.overall_status} testId="health-overall" /> : undefined}
      />
      {query.status === 'error' && <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />}
      {report && (
        <>
          <div className="grid gap-6 lg:grid-cols-2">
            <QueueCard report={report} samples={samples} />
            <DatabaseCard report={report} />
          </div>
          <PatternsCard report={report} />
          <div className="grid gap-6 lg:grid-cols-2">
            <BreakersCard report={report} />
            <RateLimitersCard report={report} />
          </div>
          <AlertsCard report={report} />
          <DetectorsCard report={report} />
        </>
      )}
    </div>
  );
}

function QueueCard({ report, samples }: { report: HealthReport; samples: DepthSample[] }) {
  const t = useT();
  const q = report.queue;
  return (
    <Card data-testid="health-queue">
      <CardHeader>
        <CardTitle>{t('health.queue.title')}</CardTitle>
        <CardDescription>{t('health.queue.description')}</CardDescription>
        <CardAction>
          <StatusBadge status={q.health} />
        </CardAction>
      </CardHeader>
      <CardContent className="space-y-4">
        <div className="grid grid-cols-2 gap-2 sm:grid-cols-4">
          <Figure label={t('health.queue.depth')} value={q.depth} testId="health-queue-depth" />
          <Figure label={t('health.queue.active')} value={q.active} />
          <Figure label={t('health.queue.oldest')} value={q.oldest_age_seconds === null ? '—' : formatDuration(q.oldest_age_seconds, t)} />
          <Figure label={t('health.queue.failureRate')} value={q.failure_rate === null ? '—' : `${(q.failure_rate * 100).toFixed(1)} %`} />
        </div>
        {samples.length < 2 ? (
          <div
            className="flex h-48 items-center justify-center rounded-lg border border-dashed text-muted-foreground text-sm"
            data-testid="queue-depth-collecting"
          >
            {t('health.queue.collecting')}
          </div>
        ) : (
          <Suspense fallback={<div className="h-48" aria-busy="true" />}>
            <QueueDepthChart samples={samples} />
          </Suspense>
        )}
        <p className="text-muted-foreground text-xs">{t('health.queue.chartNote', { dead: q.dead })}</p>
      </CardContent>
    </Card>
  );
}

function DatabaseCard({ report }: { report: HealthReport }) {
  const t = useT();
  const db = report.database;
  return (
    <Card data-testid="health-database">
      <CardHeader>
        <CardTitle>{t('health.database.title')}</CardTitle>
        <CardDescription>{t('health.database.description')}</CardDescription>
        <CardAction>
          <StatusBadge status={db.ok ? 'healthy' : 'unhealthy'} />
        </CardAction>
      </CardHeader>
      <CardContent className="grid grid-cols-2 gap-2 sm:grid-cols-3">
        <Figure label={t('health.database.latency')} value={db.latency_ms === null ? '—' : `${db.latency_ms.toFixed(1)} ms`} />
        <Figure label={t('health.database.connections')} value={db.connections ? db.connections.total : '—'} />
        <Figure label={t('health.database.max')} value={db.connections?.max ?? '—'} />
        {db.error && <p className="col-span-full text-danger text-sm">{db.error}</p>}
      </CardContent>
    </Card>
  );
}

function PatternsCard({ report }: { report: HealthReport }) {
  const t = useT();
  return (
    <Card data-testid="health-patterns">
      <CardHeader>
        <CardTitle>{t('health.patterns.title')}</CardTitle>
        <CardDescription>{t(report.auto_recovery ? 'health.patterns.autoOn' : 'health.patterns.autoOff')}</CardDescription>
      </CardHeader>
      <CardContent>
        {report.stuck_patterns.length === 0 ? (
          <Empty testId="health-patterns-empty">{t('health.patterns.empty')}</Empty>
        ) : (
          <ul className="divide-y rounded-lg border">
            {report.stuck_patterns.map((pattern) => (
              <PatternRow key={pattern.id} pattern={pattern} />
            ))}
          </ul>
        )}
        {report.recent_recoveries.length > 0 && (
          <div className="mt-4 space-y-1" data-testid="health-recoveries">
            <p className="font-medium text-sm">{t('health.recoveries.title')}</p>
            <RecoveryList report={report} />
          </div>
        )}
      </CardContent>
    </Card>
  );
}

function RecoveryList({ report }: { report: HealthReport }) {
  const t = useT();
  const { locale } = useLocale();
  return (
    <ul className="space-y-1 text-muted-foreground text-xs">
      {report.recent_recoveries.map((r) => (
        <li key={r.id}>
          {formatDateTime(r.at, locale)} · {t(r.trigger === 'auto' ? 'health.recoveries.auto' : 'health.recoveries.manual')} · {r.action} ·{' '}
          <span className={r.outcome === 'succeeded' ? 'text-success' : 'text-danger'}>
            {t(r.outcome === 'succeeded' ? 'health.recoveries.succeeded' : 'health.recoveries.failed')}
          </span>
        </li>
      ))}
    </ul>
  );
}

function PatternRow({ pattern }: { pattern: StuckPatternView }) {
  const t = useT();
  const { locale } = useLocale();
  const canFix = useCan('health.fix');
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationKey: [...HEALTH_KEY, 'fix', pattern.id],
    mutationFn: () => fixPattern(pattern.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: HEALTH_KEY }),
  });
  return (
    <li className="space-y-2 px-4 py-3" data-testid={`pattern-${pattern.type}`} data-pattern-id={pattern.id}>
      <div className="flex flex-wrap items-center gap-2">
        <Badge variant={severityVariant[pattern.severity]}>{t(`health.severity.${pattern.severity}`)}</Badge>
        <p className="font-medium">{patternTitle(pattern, t)}</p>
        {pattern.scope === 'system' && <Badge variant="outline">{t('health.patterns.system')}</Badge>}
        <span className="ml-auto text-muted-foreground text-xs">{t('health.patterns.detected', { time: formatDateTime(pattern.detected_at, locale) })}</span>
      </div>
      <PatternRecommendation pattern={pattern} />
      {pattern.auto_fixable && canFix && (
        <div className="flex items-center gap-3">
          <Button size="sm" variant="outline" onClick={() => mutation.mutate()} disabled={mutation.isPending} data-testid="pattern-fix">
            <Wrench aria-hidden="true" />
            {mutation.isPending ? t('common.working') : t('health.patterns.fix')}
          </Button>
          {mutation.isError && <FormError error={mutation.error} />}
        </div>
      )}
    </li>
  );
}

function BreakersCard({ report }: { report: HealthReport }) {
  const t = useT();
  const { locale } = useLocale();
  return (
    <Card data-testid="health-breakers">
      <CardHeader>
        <CardTitle>{t('health.breakers.title')}</CardTitle>
        <CardDescription>{t('health.breakers.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        {report.breakers.length === 0 ? (
          <Empty>{t('health.breakers.empty')}</Empty>
        ) : (
          <ul className="divide-y rounded-lg border text-sm">
            {report.breakers.map((b) => (
              <li key={`${b.store_id}:${b.operation}`} className="flex items-center gap-2 px-4 py-2">
                <span className="font-mono text-xs">{b.store_id}</span>
                <span>{b.operation}</span>
                <Badge className="ml-auto" variant={b.state === 'closed' ? 'success' : b.state === 'open' ? 'danger' : 'warning'}>
                  {t(`health.breakers.${b.state}`)}
                </Badge>
                {b.since && <span className="text-muted-foreground text-xs">{formatDateTime(b.since, locale)}</span>}
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function RateLimitersCard({ report }: { report: HealthReport }) {
  const t = useT();
  return (
    <Card data-testid="health-rate-limiters">
      <CardHeader>
        <CardTitle>{t('health.limiters.title')}</CardTitle>
        <CardDescription>{t('health.limiters.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        {report.rate_limiters.length === 0 ? (
          <Empty>{t('health.limiters.empty')}</Empty>
        ) : (
          <ul className="divide-y rounded-lg border text-sm">
            {report.rate_limiters.map((l) => (
              <li key={l.store_id} className="flex items-center gap-3 px-4 py-2">
                <span className="font-mono text-xs">{l.store_id}</span>
                <div className="h-2 flex-1 overflow-hidden rounded-full bg-muted" aria-hidden="true">
                  <div className="h-full bg-info" style={{ width: `${Math.min(100, (100 * l.tokens) / Math.max(l.capacity, 1))}%` }} />
                </div>
                <span className="tabular-nums">{t('health.limiters.tokens', { tokens: Math.floor(l.tokens), capacity: l.capacity })}</span>
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function AlertsCard({ report }: { report: HealthReport }) {
  const t = useT();
  const { locale } = useLocale();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (id: string) => acknowledgeAlert(id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: HEALTH_KEY }),
  });
  return (
    <Card data-testid="health-alerts">
      <CardHeader>
        <CardTitle>{t('health.alerts.title')}</CardTitle>
        <CardDescription>{t('health.alerts.description')}</CardDescription>
      </CardHeader>
      <CardContent className="space-y-2">
        {report.open_alerts.length === 0 ? (
          <Empty>{t('health.alerts.empty')}</Empty>
        ) : (
          <ul className="divide-y rounded-lg border text-sm">
            {report.open_alerts.map((a) => (
              <li key={a.id} className="flex flex-wrap items-center gap-2 px-4 py-2">
                <Badge variant={a.severity === 'critical' ? 'danger' : 'warning'}>{a.severity}</Badge>
                <span className="font-medium">{a.message}</span>
                <span className="text-muted-foreground text-xs">{formatDateTime(a.opened_at, locale)}</span>
                {a.acknowledged_at ? (
                  <span className="ml-auto text-muted-foreground text-xs">{t('health.alerts.acknowledged')}</span>
                ) : (
                  <Button className="ml-auto" size="sm" variant="outline" disabled={mutation.isPending} onClick={() => mutation.mutate(a.id)}>
                    {t('health.alerts.acknowledge')}
                  </Button>
                )}
              </li>
            ))}
          </ul>
        )}
        {mutation.isError && <FormError error={mutation.error} />}
      </CardContent>
    </Card>
  );
}

function DetectorsCard({ report }: { report: HealthReport }) {
  const t = useT();
  return (
    <Card data-testid="health-detectors">
      <CardHeader>
        <CardTitle>{t('health.detectors.title')}</CardTitle>
        <CardDescription>{t('health.detectors.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        <ul className="grid gap-2 text-sm sm:grid-cols-2">
          {report.detectors.map((d) => (
            <li key={d.type} className="rounded-lg border px-3 py-2" data-testid={`detector-${d.type}`}>
              <div className="flex items-center gap-2">
                <span className="font-medium">{t(`health.type.${d.type}`)}</span>
                <Badge className="ml-auto" variant={d.applicable ? 'success' : 'secondary'}>
                  {t(d.applicable ? 'health.detectors.watching' : 'health.detectors.notApplicable')}
                </Badge>
              </div>
              <p className="mt-1 text-muted-foreground text-xs">
                {!d.applicable
                  ? t('health.detectors.plansNote')
                  : d.threshold_seconds === null
                    ? t('health.threshold.lease')
                    : t('health.threshold.after', { duration: formatDuration(d.threshold_seconds, t) })}
              </p>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { Activity, ArrowRight, ChevronRight, Inbox, KeyRound } from 'lucide-react';
import { lazy, type ReactNode, Suspense } from 'react';
import { marketplaces } from '../../../src/contracts/tasks.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatDuration, type Translate, useLocale, useT } from '../../i18n/index.ts';
import { cn } from '../../lib/cn.ts';
import { useCan } from '../auth/session.tsx';
import { MarketplaceLabel } from '../tasks/task-badges.tsx';
import { metricsQuery, statsQuery, type TaskMetrics, TREND_DAYS, trendQuery } from '../tasks/tasks-api.ts';
import { agentName } from '../tokens/tokens-api.ts';

const TrendChart = lazy(() => import('./trend-chart.tsx'));

type Metrics = TaskMetrics;

/** A percentage from the API (0–100) in the locale, or null when there is nothing to measure yet. */
function percent(value: number | null, locale: string): string | null {
  if (value === null || !Number.isFinite(value)) return null;
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(value / 100);
}

function hours(value: number | null, t: Translate): string | null {
  if (value === null || !Number.isFinite(value)) return null;
  return formatDuration(Math.round(value * 3600), t);
}

const marketplaceOrder = (id: string) => {
  const index = (marketplaces as readonly string[]).indexOf(id);
  return index === -1 ? marketplaces.length : index;
};

export function DashboardPage() {
  const t = useT();
  const metrics = useQuery(metricsQuery);
  const data = metrics.data;
  const empty = data !== undefined && Object.values(data.pipeline).every((count) => count === 0);
  return (
    <div className="space-y-6" data-testid="dashboard-page">
      <PageHeader
        title={t('dashboard.title')}
        description={t('dashboard.subtitle')}
        actions={
          <Button variant="outline" asChild>
            <Link to="/system" data-testid="dashboard-system-link">
              <Activity />
              {t('dashboard.systemStatus')}
            </Link>
          </Button>
        }
      />
      {metrics.isError ? (
        <ErrorNotice error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : !data ? (
        <p className="text-muted-foreground">{t('common.loading')}</p>
      ) : empty ? (
        <EmptyDashboard />
      ) : (
        <>
          <Pipeline pipeline={data.pipeline} />
          <Performance metrics={data} />
          <DailySummary />
          <Trend />
          <AgentTable agents={data.agents} />
        </>
      )}
    </div>
  );
}

function EmptyDashboard() {
  const t = useT();
  const canManageTokens = useCan('tokens.manage');
  return (
    <Card data-testid="dashboard-empty" className="bg-gradient-to-br from-card to-muted/40">
      <CardHeader>
        <div className="col-span-2 mb-2 flex size-10 items-center justify-center rounded-lg border bg-muted">
          <Inbox className="size-5 text-muted-foreground" aria-hidden="true" />
        </div>
        <CardTitle className="col-span-2 text-lg">{t('dashboard.empty.title')}</CardTitle>
      </CardHeader>
      <CardContent className="space-y-4">
        <p className="max-w-3xl text-muted-foreground leading-relaxed">{t('dashboard.empty.body')}</p>
        {canManageTokens && (
          <Button asChild variant="outline">
            <Link to="/settings/tokens">
              <KeyRound />
              {t('dashboard.empty.tokens')}
              <ArrowRight />
            </Link>
          </Button>
        )}
      </CardContent>
    </Card>
  );
}

function Pipeline({ pipeline }: { pipeline: Metrics['pipeline'] }) {
  const t = useT();
  const steps = [
    { key: 'awaitingApproval', label: t('dashboard.pipeline.awaiting'), value: pipeline.awaitingApproval, tone: 'text-warning', to: '/tasks' as const },
    { key: 'approved', label: t('dashboard.pipeline.approved'), value: pipeline.approved, tone: 'text-info', to: '/tasks/all' as const },
    { key: 'inProgress', label: t('dashboard.pipeline.inProgress'), value: pipeline.inProgress, tone: 'text-info', to: '/tasks/all' as const },
    { key: 'completed', label: t('dashboard.pipeline.completed'), value: pipeline.completed, tone: 'text-success', to: '/tasks/all' as const },
  ];
  return (
    <Card data-testid="pipeline">
      <CardHeader>
        <CardTitle>{t('dashboard.pipeline.title')}</CardTitle>
        <CardDescription>{t('dashboard.pipeline.description', { pending: pipeline.pending, rejected: pipeline.rejected })}</CardDescription>
      </CardHeader>
      <CardContent>
        <ol className="grid gap-2 sm:grid-cols-[1fr_auto_1fr_auto_1fr_auto_1fr] sm:items-center">
          {steps.map((step, index) => (
            <li key={step.key} className="contents">
              <Link
                to={step.to}
                className="rounded-lg border bg-muted/30 px-4 py-3 transition-colors hover:bg-accent focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
                data-testid={`pipeline-${step.key}`}
                data-count={step.value}
              >
                <span className="block text-muted-foreground text-xs">{step.label}</span>
                <span className={cn('block font-semibold text-2xl tabular-nums', step.tone)}>{step.value}</span>
              </Link>
              {index < steps.length - 1 && <ChevronRight className="mx-auto hidden size-4 text-muted-foreground sm:block" aria-hidden="true" />}
            </li>
          ))}
        </ol>
      </CardContent>
    </Card>
  );
}

function Stat({ label, value, hint, testId }: { label: string; value: string | null; hint: string; testId: string }) {
  const t = useT();
  return (
    <div className="rounded-xl border bg-card p-4 shadow-xs" data-testid={testId}>
      <p className="text-muted-foreground text-xs">{label}</p>
      <p className={cn('mt-1 font-semibold text-2xl tabular-nums', value === null && 'text-muted-foreground')} data-testid={`${testId}-value`}>
        {value ?? '—'}
      </p>
      <p className="mt-1 text-muted-foreground text-xs">{value === null ? t('dashboard.performance.noData') : hint}</p>
    </div>
  );
}

function Performance({ metrics }: { metrics: Metrics }) {
  const t = useT();
  const { locale } = useLocale();
  return (
    <section aria-labelledby="performance-heading" className="space-y-3" data-testid="performance">
      <h2 id="performance-heading" className="font-semibold">
        {t('dashboard.performance.title')}
      </h2>
      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4">
        <Stat
          testId="stat-approval-time"
          label={t('dashboard.performance.approvalTime')}
          value={hours(metrics.avgApprovalHours, t)}
          hint={t('dashboard.performance.approvalTimeHint')}
        />
        <Stat
          testId="stat-execution-time"
          label={t('dashboard.performance.executionTime')}
          value={hours(metrics.avgExecutionHours, t)}
          hint={t('dashboard.performance.executionTimeHint')}
        />
        <Stat
          testId="stat-accuracy"
          label={t('dashboard.performance.accuracy')}
          value={percent(metrics.timeAccuracy, locale)}
          hint={t('dashboard.performance.accuracyHint')}
        />
        <Stat
          testId="stat-approval-rate"
          label={t('dashboard.performance.approvalRate')}
          value={percent(metrics.approvalRate, locale)}
          hint={t('dashboard.performance.approvalRateHint')}
        />
      </div>
    </section>
  );
}

function DailySummary({ className }: { className?: string }) {
  const t = useT();
  const { locale } = useLocale();
  const query = useQuery(statsQuery);
  const rows = [...(query.data?.stats ?? [])].sort((a, b) => marketplaceOrder(a.marketplace) - marketplaceOrder(b.marketplace));
  const date = query.data ? new Intl.DateTimeFormat(locale, { dateStyle: 'full', timeZone: 'UTC' }).format(new Date(`${query.data.date}T12:00:00Z`)) : '';
  const cells = (values: number[]) =>
    values.map((value, index) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: fixed columns
      <TableCell key={index} className={cn('text-right tabular-nums', value === 0 && 'text-muted-foreground')}>
        {value}
      </TableCell>
    ));
  return (
    <Card className={className} data-testid="daily-summary">
      <CardHeader>
        <CardTitle>{t('dashboard.daily.title')}</CardTitle>
        <CardDescription>{query.data ? t('dashboard.daily.description', { date, timeZone: query.data.timeZone }) : t('common.loading')}</CardDescription>
      </CardHeader>
      <CardContent>
        {query.isError ? (
          <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
        ) : rows.length === 0 ? (
          <p className="rounded-lg border border-dashed px-4 py-6 text-center text-muted-foreground" data-testid="daily-empty">
            {query.isPending ? t('common.loading') : t('dashboard.daily.empty')}
          </p>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t('tasks.field.marketplace')}</TableHead>
                <TableHead className="text-right">{t('dashboard.daily.createdToday')}</TableHead>
                <TableHead className="text-right">{t('dashboard.daily.pending')}</TableHead>
                <TableHead className="text-right">{t('dashboard.daily.awaiting')}</TableHead>
                <TableHead className="text-right">{t('dashboard.pipeline.inProgress')}</TableHead>
                <TableHead className="text-right">{t('dashboard.daily.completedToday')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {rows.map((row) => (
                <TableRow key={row.marketplace} data-testid="daily-row" data-marketplace={row.marketplace} data-completed-today={row.completedToday}>
                  <TableCell className="font-medium">
                    <MarketplaceLabel marketplace={row.marketplace} />
                  </TableCell>
                  {cells([row.createdToday, row.pending, row.awaitingApproval, row.inProgress, row.completedToday])}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

function AgentTable({ agents, className }: { agents: Metrics['agents']; className?: string }) {
  const t = useT();
  const { locale } = useLocale();
  return (
    <Card className={className} data-testid="agent-performance">
      <CardHeader>
        <CardTitle>{t('dashboard.agents.title')}</CardTitle>
        <CardDescription>{t('dashboard.agents.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        {agents.length === 0 ? (
          <p className="rounded-lg border border-dashed px-4 py-6 text-center text-muted-foreground">{t('dashboard.agents.empty')}</p>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>{t('dashboard.agents.agent')}</TableHead>
                <TableHead className="text-right">{t('dashboard.agents.generated')}</TableHead>
                <TableHead className="text-right">{t('dashboard.trend.approved')}</TableHead>
                <TableHead className="text-right">{t('dashboard.trend.rejected')}</TableHead>
                <TableHead className="text-right">{t('dashboard.agents.rate')}</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {agents.map((agent) => (
                <TableRow key={agent.agentId} data-testid="agent-row" data-agent={agent.agentId}>
                  <TableCell className="font-medium">{agentName(agent.agentId)}</TableCell>
                  <TableCell className="text-right tabular-nums">{agent.generated}</TableCell>
                  <TableCell className="text-right tabular-nums">{agent.approved}</TableCell>
                  <TableCell className="text-right tabular-nums">{agent.rejected}</TableCell>
                  <TableCell className="text-right tabular-nums">{percent(agent.approvalRate, locale) ?? '—'}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

function Trend() {
  const t = useT();
  const query = useQuery(trendQuery);
  const days = query.data?.days ?? [];
  const quiet = days.every((day) => day.created + day.approved + day.rejected + day.completed === 0);
  let body: ReactNode;
  if (query.isError) body = <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  else if (query.isPending) body = <div className="h-72" aria-busy="true" />;
  else if (quiet)
    body = (
      <p className="rounded-lg border border-dashed px-4 py-10 text-center text-muted-foreground" data-testid="trend-empty">
        {t('dashboard.trend.empty')}
      </p>
    );
  else
    body = (
      <Suspense fallback={<div className="h-72" aria-busy="true" />}>
        <TrendChart days={days} />
      </Suspense>
    );
  return (
    <Card data-testid="trend">
      <CardHeader>
        <CardTitle>{t('dashboard.trend.title', { days: TREND_DAYS })}</CardTitle>
        <CardDescription>{query.data ? t('dashboard.trend.description', { timeZone: query.data.timeZone }) : ''}</CardDescription>
      </CardHeader>
      <CardContent>{body}</CardContent>
    </Card>
  );
}

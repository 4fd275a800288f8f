import { useQuery } from '@tanstack/react-query';
import { Database, ListOrdered } from 'lucide-react';
import type { Readiness } from '../../../src/contracts/system.ts';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { Badge, StatusDot } from '../../components/ui/badge.tsx';
import { Card, CardAction, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { formatTime, type PlainMessageKey, useLocale, useT } from '../../i18n/index.ts';
import { readinessQuery } from './system-api.ts';

type OverallStatus = Readiness['status'] | 'checking' | 'unreachable';
type CheckName = keyof Readiness['checks'];

const checkRows: ReadonlyArray<{ name: CheckName; label: PlainMessageKey; icon: typeof Database }> = [
  { name: 'database', label: 'system.check.database', icon: Database },
  { name: 'queue', label: 'system.check.queue', icon: ListOrdered },
];

export function ReadinessCard() {
  const t = useT();
  const { locale } = useLocale();
  const query = useQuery(readinessQuery);
  const failed = query.status === 'error';
  const readiness = failed ? undefined : query.data;
  const overall: OverallStatus = failed ? 'unreachable' : (readiness?.status ?? 'checking');

  return (
    <Card data-testid="readiness-card">
      <CardHeader>
        <CardTitle>{t('system.readiness.title')}</CardTitle>
        <CardDescription>{t('system.readiness.description')}</CardDescription>
        <CardAction>
          <StatusBadge status={overall} testId="readiness-status" />
        </CardAction>
      </CardHeader>
      <CardContent className="space-y-3">
        {failed && <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />}
        <ul className="divide-y rounded-lg border">
          {checkRows.map(({ name, label, icon: Icon }) => {
            const check = readiness?.checks[name];
            const status: OverallStatus = failed ? 'unreachable' : check ? (check.ok ? 'ready' : 'unavailable') : 'checking';
            return (
              <li key={name} className="flex items-start gap-3 px-4 py-3" data-testid={`check-${name}`} data-status={status}>
                <Icon className="mt-0.5 size-4 text-muted-foreground" aria-hidden="true" />
                <div className="min-w-0 flex-1">
                  <p className="font-medium">{t(label)}</p>
                  {check?.error && (
                    <p className="mt-0.5 break-words text-danger text-xs" data-testid={`check-${name}-error`}>
                      {check.error}
                    </p>
                  )}
                </div>
                {check && (
                  <span className="pt-0.5 font-mono text-muted-foreground text-xs tabular-nums">
                    {t('system.readiness.latency', { ms: Math.round(check.latencyMs) })}
                  </span>
                )}
                <StatusBadge status={status} />
              </li>
            );
          })}
        </ul>
        {query.dataUpdatedAt > 0 && !failed && (
          <p className="text-muted-foreground text-xs">{t('system.readiness.updated', { time: formatTime(query.dataUpdatedAt, locale) })}</p>
        )}
      </CardContent>
    </Card>
  );
}

const badgeFor = {
  ready: { variant: 'success', label: 'system.readiness.ready' },
  unavailable: { variant: 'danger', label: 'system.readiness.unavailable' },
  unreachable: { variant: 'danger', label: 'system.readiness.unreachable' },
  checking: { variant: 'secondary', label: 'system.readiness.checking' },
} as const satisfies Record<OverallStatus, { variant: string; label: PlainMessageKey }>;

function StatusBadge({ status, testId }: { status: OverallStatus; testId?: string }) {
  const t = useT();
  const { variant, label } = badgeFor[status];
  return (
    <Badge variant={variant} data-testid={testId} data-status={status}>
      <StatusDot pulse={status === 'checking'} />
      {t(label)}
    </Badge>
  );
}

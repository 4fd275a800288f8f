import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ErrorNotice } from '../../components/error-notice.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { formatDuration, useT } from '../../i18n/index.ts';
import { systemInfoQuery } from './system-api.ts';

export function SystemInfoCard() {
  const t = useT();
  const query = useQuery(systemInfoQuery);
  const info = query.data;

  return (
    <Card data-testid="system-info-card">
      <CardHeader>
        <CardTitle>{t('system.info.title')}</CardTitle>
        <CardDescription>{t('system.info.description')}</CardDescription>
      </CardHeader>
      <CardContent>
        {query.status === 'error' && !info ? (
          <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />
        ) : (
          <dl className="grid grid-cols-[auto_1fr] gap-x-6 gap-y-2.5">
            <Row label={t('system.info.version')} testId="info-version">
              {info && <span className="font-mono">{info.version}</span>}
            </Row>
            <Row label={t('system.info.mode')}>{info && t(`system.info.mode.${info.mode}`)}</Row>
            <Row label={t('system.info.database')}>{info && t(`system.info.database.${info.database}`)}</Row>
            <Row label={t('system.info.node')}>{info && <span className="font-mono">{info.node}</span>}</Row>
            <Row label={t('system.info.uptime')}>{info && formatDuration(info.uptimeSeconds, t)}</Row>
            <Row label={t('system.info.workers')}>{info && t(info.workers ? 'system.info.workers.on' : 'system.info.workers.off')}</Row>
          </dl>
        )}
      </CardContent>
    </Card>
  );
}

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="min-w-0 truncate" data-testid={testId}>
        {children ?? <span className="inline-block h-4 w-24 animate-pulse rounded bg-muted align-middle" />}
      </dd>
    </>
  );
}

import { PageHeader } from '../../components/layout/page-header.tsx';
import { useT } from '../../i18n/index.ts';
import { EventsCard } from './events-card.tsx';
import { ReadinessCard } from './readiness-card.tsx';
import { SystemInfoCard } from './system-info-card.tsx';

export function SystemPage() {
  const t = useT();
  return (
    <div className="space-y-6" data-testid="system-page">
      <PageHeader title={t('system.title')} description={t('system.subtitle')} />
      <div className="grid gap-6 lg:grid-cols-2">
        <ReadinessCard />
        <SystemInfoCard />
        <EventsCard />
      </div>
    </div>
  );
}

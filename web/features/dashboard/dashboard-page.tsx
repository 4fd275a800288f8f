import { Link } from '@tanstack/react-router';
import { Activity, ArrowRight } from 'lucide-react';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { useT } from '../../i18n/index.ts';
import { areas } from '../areas/areas.ts';

export function DashboardPage() {
  const t = useT();
  const upcoming = areas.filter((area) => area.description);
  return (
    <div className="space-y-8">
      <PageHeader title={t('dashboard.title')} description={t('dashboard.subtitle')} />

      <Card data-testid="welcome-card" className="bg-gradient-to-br from-card to-muted/40">
        <CardHeader>
          <CardTitle className="text-lg">{t('dashboard.welcome.title')}</CardTitle>
        </CardHeader>
        <CardContent>
          <p className="max-w-3xl text-muted-foreground leading-relaxed">{t('dashboard.welcome.body')}</p>
        </CardContent>
        <CardFooter>
          <Button asChild>
            <Link to="/system" data-testid="dashboard-system-link">
              <Activity />
              {t('dashboard.welcome.cta')}
              <ArrowRight />
            </Link>
          </Button>
        </CardFooter>
      </Card>

      <section aria-labelledby="areas-heading" className="space-y-3">
        <div>
          <h2 id="areas-heading" className="font-semibold text-base">
            {t('dashboard.areas.title')}
          </h2>
          <p className="text-muted-foreground">{t('dashboard.areas.subtitle')}</p>
        </div>
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {upcoming.map((area) => (
            <li key={area.id}>
              <Link
                to={area.path}
                className="group flex h-full flex-col gap-2 rounded-lg border bg-card p-4 transition-colors hover:bg-accent/50 focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50"
              >
                <span className="flex items-center justify-between gap-2">
                  <span className="flex items-center gap-2 font-medium">
                    <area.icon className="size-4 text-muted-foreground" aria-hidden="true" />
                    {t(area.label)}
                  </span>
                  <Badge variant="secondary">{t('comingSoon.badge')}</Badge>
                </span>
                {area.description && <CardDescription className="line-clamp-2">{t(area.description)}</CardDescription>}
              </Link>
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

import { Link } from '@tanstack/react-router';
import { Activity, Construction } from 'lucide-react';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardAction, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { useT } from '../../i18n/index.ts';
import { type ComingSoonAreaId, findArea } from './areas.ts';

/** An area that is not built yet: what it will do, and nothing pretending to be data. */
export function ComingSoonPage({ areaId }: { areaId: ComingSoonAreaId }) {
  const t = useT();
  const area = findArea(areaId);
  const title = t(area.label);
  return (
    <div className="space-y-6">
      <PageHeader title={title} />
      <Card className="max-w-2xl" data-testid="coming-soon" data-area={areaId}>
        <CardHeader>
          <div className="mb-2 flex size-10 items-center justify-center rounded-lg border bg-muted">
            <area.icon className="size-5 text-muted-foreground" aria-hidden="true" />
          </div>
          <CardTitle>{title}</CardTitle>
          <CardAction>
            <Badge variant="info">
              <Construction aria-hidden="true" />
              {t('comingSoon.badge')}
            </Badge>
          </CardAction>
        </CardHeader>
        <CardContent className="space-y-3">
          {area.description && <p className="text-base leading-relaxed">{t(area.description)}</p>}
          <CardDescription>{t('comingSoon.body')}</CardDescription>
        </CardContent>
        <CardFooter>
          <Button variant="outline" size="sm" asChild>
            <Link to="/system">
              <Activity />
              {t('comingSoon.checkSystem')}
            </Link>
          </Button>
        </CardFooter>
      </Card>
    </div>
  );
}

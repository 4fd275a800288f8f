import { Link, useRouterState } from '@tanstack/react-router';
import { Compass } from 'lucide-react';
import { PageHeader } from '../components/layout/page-header.tsx';
import { Button } from '../components/ui/button.tsx';
import { Card, CardContent } from '../components/ui/card.tsx';
import { useT } from '../i18n/index.ts';

export function NotFoundPage() {
  const t = useT();
  const pathname = useRouterState({ select: (state) => state.location.pathname });
  return (
    <div className="space-y-6" data-testid="not-found">
      <PageHeader title={t('notFound.title')} />
      <Card className="max-w-xl">
        <CardContent className="flex flex-col items-start gap-4">
          <Compass className="size-8 text-muted-foreground" aria-hidden="true" />
          <p className="text-muted-foreground [overflow-wrap:anywhere]">{t('notFound.body', { path: pathname })}</p>
          <Button asChild variant="outline">
            <Link to="/">{t('notFound.home')}</Link>
          </Button>
        </CardContent>
      </Card>
    </div>
  );
}

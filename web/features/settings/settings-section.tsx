import { Lock } from 'lucide-react';
import type { ReactNode } from 'react';
import { Card, CardContent } from '../../components/ui/card.tsx';
import { useT } from '../../i18n/index.ts';
import { hasPermission, useMe } from '../auth/session.tsx';
import { findSettingsPage, type SettingsPageId } from './settings-pages.ts';

/** One settings sub-page: its heading and actions; a "not for your role" card when the role may not open it. */
export function SettingsSection({ pageId, actions, children }: { pageId: SettingsPageId; actions?: ReactNode; children: ReactNode }) {
  const t = useT();
  const me = useMe();
  const page = findSettingsPage(pageId);
  const allowed = hasPermission(me, page.permission);
  return (
    <section className="space-y-5" data-testid={`settings-${pageId}`} aria-labelledby={`settings-${pageId}-title`}>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="space-y-1">
          <h2 id={`settings-${pageId}-title`} className="font-semibold text-lg tracking-tight">
            {t(page.label)}
          </h2>
          <p className="text-muted-foreground">{t(page.description)}</p>
        </div>
        {allowed && actions && <div className="flex items-center gap-2">{actions}</div>}
      </div>
      {allowed ? (
        children
      ) : (
        <Card className="max-w-xl" data-testid="forbidden">
          <CardContent className="flex items-start gap-3">
            <Lock className="mt-0.5 size-4 shrink-0 text-muted-foreground" aria-hidden="true" />
            <p className="text-muted-foreground">{t('settings.forbidden', { role: t(`role.${me.role}`) })}</p>
          </CardContent>
        </Card>
      )}
    </section>
  );
}

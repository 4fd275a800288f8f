import { Link, Outlet } from '@tanstack/react-router';
import { PageHeader } from '../../components/layout/page-header.tsx';
import { useT } from '../../i18n/index.ts';
import { hasPermission, useMe } from '../auth/session.tsx';
import { settingsPages } from './settings-pages.ts';

/** Settings: a tab bar of the sub-pages this role may open, then the open one. */
export function SettingsLayout() {
  const t = useT();
  const me = useMe();
  const visible = settingsPages.filter((page) => hasPermission(me, page.permission));
  return (
    <div className="space-y-6" data-testid="settings-page">
      <PageHeader title={t('nav.settings')} description={t('settings.subtitle')} />
      <nav aria-label={t('settings.navLabel')} className="-mt-2 overflow-x-auto border-b" data-testid="settings-nav">
        <ul className="flex gap-1">
          {visible.map((page) => (
            <li key={page.id}>
              <Link
                to={page.path}
                activeOptions={{ exact: true }}
                data-testid={`settings-nav-${page.id}`}
                className="-mb-px flex items-center gap-2 whitespace-nowrap border-transparent border-b-2 px-3 py-2.5 text-muted-foreground transition-colors hover:text-foreground focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 data-[status=active]:border-foreground data-[status=active]:font-medium data-[status=active]:text-foreground"
              >
                <page.icon className="size-4" aria-hidden="true" />
                {t(page.label)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  );
}

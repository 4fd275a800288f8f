import { Link } from '@tanstack/react-router';
import { areas, navSections } from '../../features/areas/areas.ts';
import { OrgSwitcher } from '../../features/auth/org-switcher.tsx';
import { UserMenu } from '../../features/auth/user-menu.tsx';
import { NotificationBell } from '../../features/notifications/notification-bell.tsx';
import { useT } from '../../i18n/index.ts';
import { cn } from '../../lib/cn.ts';
import { LanguageMenu } from './language-menu.tsx';
import { ThemeMenu } from './theme-menu.tsx';

interface SidebarProps {
  id: string;
  open: boolean;
  onNavigate: () => void;
}

/** The left navigation: brand and org, every area grouped by section, then the user, language and theme. */
export function Sidebar({ id, open, onNavigate }: SidebarProps) {
  const t = useT();
  return (
    <aside
      id={id}
      className={cn(
        'fixed inset-y-0 left-0 z-40 flex w-64 flex-col border-r bg-sidebar transition-transform md:sticky md:top-0 md:h-svh md:translate-x-0',
        open ? 'translate-x-0 shadow-xl' : '-translate-x-full',
      )}
    >
      <div className="flex min-h-14 items-center gap-2.5 px-5 py-3">
        <span className="flex size-7 items-center justify-center rounded-md bg-primary font-bold text-primary-foreground text-sm">N</span>
        <div className="min-w-0 flex-1 leading-tight">
          <p className="font-semibold">{t('app.name')}</p>
          <p className="truncate text-muted-foreground text-xs">{t('app.tagline')}</p>
        </div>
        <NotificationBell onNavigate={onNavigate} />
      </div>
      <div className="px-3 pb-2">
        <OrgSwitcher />
      </div>

      <nav aria-label={t('nav.label')} className="flex-1 overflow-y-auto px-3 py-2" data-testid="sidebar">
        {navSections.map((section) => (
          <div key={section.id} className="mb-4">
            <p className="px-2 pb-1 font-medium text-[11px] text-muted-foreground uppercase tracking-wider">{t(section.label)}</p>
            <ul className="space-y-0.5">
              {areas
                .filter((area) => area.section === section.id)
                .map((area) => (
                  <li key={area.id}>
                    <Link
                      to={area.path}
                      onClick={onNavigate}
                      activeOptions={{ exact: area.path === '/' }}
                      data-testid={`nav-${area.id}`}
                      className="flex items-center gap-2.5 rounded-md px-2 py-1.5 text-muted-foreground transition-colors hover:bg-accent hover:text-accent-foreground focus-visible:outline-none focus-visible:ring-[3px] focus-visible:ring-ring/50 data-[status=active]:bg-accent data-[status=active]:font-medium data-[status=active]:text-foreground"
                    >
                      <area.icon className="size-4 shrink-0" aria-hidden="true" />
                      <span className="truncate">{t(area.label)}</span>
                    </Link>
                  </li>
                ))}
            </ul>
          </div>
        ))}
      </nav>

      <div className="space-y-1 border-t px-3 py-2">
        <UserMenu onNavigate={onNavigate} />
        <div className="flex items-center justify-between gap-2">
          <LanguageMenu />
          <ThemeMenu />
        </div>
      </div>
    </aside>
  );
}

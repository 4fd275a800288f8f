import { Outlet } from '@tanstack/react-router';
import { Menu, X } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import { NotificationBell } from '../../features/notifications/notification-bell.tsx';
import { useT } from '../../i18n/index.ts';
import { Button } from '../ui/button.tsx';
import { Sidebar } from './sidebar.tsx';

const SIDEBAR_ID = 'app-sidebar';

/** Sidebar + main landmark; on small screens the sidebar slides in from a menu button. Renders `children` or the route's outlet. */
export function AppShell({ children }: { children?: ReactNode }) {
  const t = useT();
  const [menuOpen, setMenuOpen] = useState(false);

  return (
    <div className="flex min-h-svh">
      <a href="#main" className="sr-only z-50 rounded-md bg-background px-3 py-2 focus:not-sr-only focus:fixed focus:top-2 focus:left-2">
        {t('app.skipToContent')}
      </a>
      <Sidebar id={SIDEBAR_ID} open={menuOpen} onNavigate={() => setMenuOpen(false)} />
      {menuOpen && <div className="fixed inset-0 z-30 bg-black/40 md:hidden" aria-hidden="true" onClick={() => setMenuOpen(false)} />}
      <div className="flex min-w-0 flex-1 flex-col">
        <div className="sticky top-0 z-20 flex h-14 items-center gap-2 border-b bg-background/80 px-4 backdrop-blur md:hidden">
          <Button
            variant="ghost"
            size="icon"
            aria-label={menuOpen ? t('nav.closeMenu') : t('nav.openMenu')}
            aria-expanded={menuOpen}
            aria-controls={SIDEBAR_ID}
            onClick={() => setMenuOpen((open) => !open)}
          >
            {menuOpen ? <X /> : <Menu />}
          </Button>
          <span className="font-semibold">{t('app.name')}</span>
          <div className="ml-auto">
            <NotificationBell testId="notification-bell-mobile" />
          </div>
        </div>
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 outline-none md:px-10">
          {children ?? <Outlet />}
        </main>
      </div>
    </div>
  );
}

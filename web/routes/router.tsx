import { createRootRoute, createRoute, createRouter, lazyRouteComponent } from '@tanstack/react-router';
import { AppShell } from '../components/layout/app-shell.tsx';
import { type ComingSoonAreaId, comingSoonAreaIds, findArea } from '../features/areas/areas.ts';
import { ComingSoonPage } from '../features/areas/coming-soon-page.tsx';
import { DashboardPage } from '../features/dashboard/dashboard-page.tsx';
import { NotFoundPage } from './not-found.tsx';

// Code-based routes: one per sidebar area; the system page (and zod) load on demand.
const rootRoute = createRootRoute({ component: AppShell, notFoundComponent: NotFoundPage });

const dashboardRoute = createRoute({ getParentRoute: () => rootRoute, path: '/', component: DashboardPage });

const systemRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/system',
  component: lazyRouteComponent(() => import('../features/system/system-page.tsx'), 'SystemPage'),
});

function comingSoonRoute(areaId: ComingSoonAreaId) {
  return createRoute({
    getParentRoute: () => rootRoute,
    path: findArea(areaId).path,
    component: () => <ComingSoonPage areaId={areaId} />,
  });
}

const routeTree = rootRoute.addChildren([dashboardRoute, ...comingSoonAreaIds.map(comingSoonRoute), systemRoute]);

export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

import type { QueryClient } from '@tanstack/react-query';
import { createRootRouteWithContext, createRoute, createRouter, lazyRouteComponent, Outlet, redirect } from '@tanstack/react-router';
import { queryClient } from '../api/index.ts';
import { type ComingSoonAreaId, comingSoonAreaIds, findArea } from '../features/areas/areas.ts';
import { ComingSoonPage } from '../features/areas/coming-soon-page.tsx';
import { meQuery } from '../features/auth/auth-api.ts';
import { AuthenticatedApp } from '../features/auth/authenticated-app.tsx';
import { LoginPage } from '../features/auth/login-page.tsx';
import { DashboardPage } from '../features/dashboard/dashboard-page.tsx';
import { SettingsLayout } from '../features/settings/settings-layout.tsx';
import { NotFoundPage } from './not-found.tsx';

interface RouterContext {
  queryClient: QueryClient;
}

// Code-based routes. Public: /login and /invite/$token. Everything else sits under the pathless
// `app` route, which needs a session (else /login?redirect=…) and renders the app shell.
const rootRoute = createRootRouteWithContext<RouterContext>()({ component: Outlet });

const loginRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/login',
  validateSearch: (search: Record<string, unknown>): { redirect?: string } => (typeof search.redirect === 'string' ? { redirect: search.redirect } : {}),
  component: LoginPage,
});

const inviteRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/invite/$token',
  component: lazyRouteComponent(() => import('../features/invitations/accept-invitation-page.tsx'), 'AcceptInvitationPage'),
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: 'app',
  beforeLoad: async ({ context, location }) => {
    // A network failure is left to the component (it shows the error with a retry).
    const me = await context.queryClient.ensureQueryData(meQuery).catch(() => undefined);
    if (me === null) throw redirect({ to: '/login', search: location.href === '/' ? {} : { redirect: location.href } });
  },
  component: AuthenticatedApp,
  notFoundComponent: NotFoundPage,
});

const dashboardRoute = createRoute({ getParentRoute: () => appRoute, path: '/', component: DashboardPage });

const tasksRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/tasks',
  component: lazyRouteComponent(() => import('../features/tasks/tasks-layout.tsx'), 'TasksLayout'),
});
const tasksApprovalRoute = createRoute({
  getParentRoute: () => tasksRoute,
  path: '/',
  component: lazyRouteComponent(() => import('../features/tasks/approval-queue-page.tsx'), 'ApprovalQueuePage'),
});
const tasksApprovalAliasRoute = createRoute({
  getParentRoute: () => tasksRoute,
  path: '/approval',
  beforeLoad: () => {
    throw redirect({ to: '/tasks', replace: true });
  },
});
const tasksAllRoute = createRoute({
  getParentRoute: () => tasksRoute,
  path: '/all',
  component: lazyRouteComponent(() => import('../features/tasks/all-tasks-page.tsx'), 'AllTasksPage'),
});
const tasksMineRoute = createRoute({
  getParentRoute: () => tasksRoute,
  path: '/mine',
  component: lazyRouteComponent(() => import('../features/tasks/my-work-page.tsx'), 'MyWorkPage'),
});

const jobsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/jobs',
  component: lazyRouteComponent(() => import('../features/jobs/jobs-page.tsx'), 'JobsPage'),
});

const systemRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/system',
  component: lazyRouteComponent(() => import('../features/system/system-page.tsx'), 'SystemPage'),
});

const storesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/stores',
  component: lazyRouteComponent(() => import('../features/stores/stores-page.tsx'), 'StoresPage'),
});

const catalogRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/catalog',
  component: lazyRouteComponent(() => import('../features/catalog/catalog-page.tsx'), 'CatalogPage'),
});

const ordersRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/orders',
  component: lazyRouteComponent(() => import('../features/orders/orders-page.tsx'), 'OrdersPage'),
});

const agentsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/agents',
  component: lazyRouteComponent(() => import('../features/agents/agents-page.tsx'), 'AgentsPage'),
});

const plansRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/plans',
  component: lazyRouteComponent(() => import('../features/plans/plans-page.tsx'), 'PlansPage'),
});

const healthRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/health',
  component: lazyRouteComponent(() => import('../features/health/health-page.tsx'), 'HealthPage'),
});

const profileRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/profile',
  component: lazyRouteComponent(() => import('../features/profile/profile-page.tsx'), 'ProfilePage'),
});

const settingsRoute = createRoute({ getParentRoute: () => appRoute, path: '/settings', component: SettingsLayout });
const settingsGeneralRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/',
  component: lazyRouteComponent(() => import('../features/settings/general-page.tsx'), 'GeneralSettingsPage'),
});
const settingsMembersRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/members',
  component: lazyRouteComponent(() => import('../features/members/members-page.tsx'), 'MembersPage'),
});
const settingsTokensRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/tokens',
  component: lazyRouteComponent(() => import('../features/tokens/tokens-page.tsx'), 'TokensPage'),
});
const settingsAlertsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/alerts',
  component: lazyRouteComponent(() => import('../features/alerts/alerts-settings-page.tsx'), 'AlertsSettingsPage'),
});
const settingsNotificationsRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/notifications',
  component: lazyRouteComponent(() => import('../features/alerts/notifications-settings-page.tsx'), 'NotificationsSettingsPage'),
});
const settingsAuditRoute = createRoute({
  getParentRoute: () => settingsRoute,
  path: '/audit',
  component: lazyRouteComponent(() => import('../features/audit/audit-page.tsx'), 'AuditPage'),
});

function comingSoonRoute(areaId: ComingSoonAreaId) {
  return createRoute({
    getParentRoute: () => appRoute,
    path: findArea(areaId).path,
    component: () => <ComingSoonPage areaId={areaId} />,
  });
}

const routeTree = rootRoute.addChildren([
  loginRoute,
  inviteRoute,
  appRoute.addChildren([
    dashboardRoute,
    tasksRoute.addChildren([tasksApprovalRoute, tasksApprovalAliasRoute, tasksAllRoute, tasksMineRoute]),
    agentsRoute,
    jobsRoute,
    storesRoute,
    catalogRoute,
    ordersRoute,
    plansRoute,
    ...comingSoonAreaIds.map(comingSoonRoute),
    healthRoute,
    systemRoute,
    profileRoute,
    settingsRoute.addChildren([
      settingsGeneralRoute,
      settingsMembersRoute,
      settingsTokensRoute,
      settingsAlertsRoute,
      settingsNotificationsRoute,
      settingsAuditRoute,
    ]),
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient },
  defaultPreload: 'intent',
  scrollRestoration: true,
  defaultNotFoundComponent: NotFoundPage,
});

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}

/**
 * The one deny-by-default permission map. Every route declares one of these (or `public` /
 * `authenticated`); a role or token gets exactly what is listed here and nothing else.
 */
export const roles = ['owner', 'admin', 'operator', 'viewer'] as const;
export type Role = (typeof roles)[number];

export const permissionRoles = {
  'system.read': ['owner', 'admin', 'operator', 'viewer'],
  'events.read': ['owner', 'admin', 'operator', 'viewer'],
  'events.test': ['owner', 'admin'],
  'org.read': ['owner', 'admin', 'operator', 'viewer'],
  'org.update': ['owner', 'admin'],
  'members.read': ['owner', 'admin', 'operator', 'viewer'],
  'members.manage': ['owner', 'admin'],
  'tokens.read': ['owner', 'admin'],
  'tokens.manage': ['owner', 'admin'],
  'audit.read': ['owner', 'admin'],
  'tasks.read': ['owner', 'admin', 'operator', 'viewer'],
  'tasks.create': ['owner', 'admin'],
  /** Approve or reject (and submit others' tasks). */
  'tasks.approve': ['owner', 'admin'],
  'tasks.assign': ['owner', 'admin'],
  /** Complete or return to the backlog: operators only their own assigned tasks (checked by the service). */
  'tasks.complete': ['owner', 'admin', 'operator'],
  /** The Jobs page: runs, logs, stats, dead letters. */
  'jobs.read': ['owner', 'admin', 'operator', 'viewer'],
  /** Retry, cancel and replay job runs (audited). */
  'jobs.manage': ['owner', 'admin'],
  'schedules.read': ['owner', 'admin', 'operator', 'viewer'],
  /** Change cron expressions, enable or disable the org's schedules (audited). */
  'schedules.manage': ['owner', 'admin'],
  /** The detailed health report, stuck patterns and daily metric snapshots. */
  'health.read': ['owner', 'admin', 'operator', 'viewer'],
  /** "Fix now" on an auto-fixable stuck pattern. */
  'health.fix': ['owner', 'admin'],
  'alerts.read': ['owner', 'admin', 'operator', 'viewer'],
  'alerts.acknowledge': ['owner', 'admin', 'operator'],
  /** Edit alert rules (thresholds, enabled, channels). */
  'alerts.manage': ['owner', 'admin'],
  /** Connected stores: list, details, health (never credentials). */
  'stores.read': ['owner', 'admin', 'operator', 'viewer'],
  /** Connect (OAuth or key entry), edit, test, pause, disconnect: handles channel credentials. */
  'stores.manage': ['owner', 'admin'],
  /** The catalog as read from the channels: products, variants, stock per store, listings. */
  'catalog.read': ['owner', 'admin', 'operator', 'viewer'],
  /** Unified orders as read from the channels. */
  'orders.read': ['owner', 'admin', 'operator', 'viewer'],
  /** The marketplace agents: registry, runs, rules, metrics. */
  'agents.read': ['owner', 'admin', 'operator', 'viewer'],
  /** Run agents now, enable/disable, schedule, settings and knowledge base (audited). */
  'agents.manage': ['owner', 'admin'],
  /** Analysis plans: list, plan data, Phase 1 tasks, job history. */
  'plans.read': ['owner', 'admin', 'operator', 'viewer'],
  /** Upload a report, approve or reject a plan (approval creates tasks). */
  'plans.manage': ['owner', 'admin'],
  'channels.read': ['owner', 'admin'],
  /** Notification channels carry credentials (Slack URLs, SMTP logins, signing secrets). */
  'channels.manage': ['owner', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissionRoles;
export const permissions = Object.keys(permissionRoles) as Permission[];

/** What a route requires: a permission, any signed-in person (`authenticated`), or nothing (`public`). */
export type RouteAccess = Permission | 'public' | 'authenticated';

/** Scopes a machine token may carry: never the ones that manage people or credentials. */
export const tokenGrantableScopes = permissions.filter(
  (p) =>
    ![
      'members.manage',
      'tokens.manage',
      'tokens.read',
      'org.update',
      'tasks.approve',
      'tasks.assign',
      'tasks.complete',
      'health.fix',
      'channels.manage',
      'stores.manage',
      'plans.manage',
    ].includes(p),
);

export function roleCan(role: Role, permission: Permission): boolean {
  return (permissionRoles[permission] as readonly Role[]).includes(role);
}

export const permissionsOfRole = (role: Role): Permission[] => permissions.filter((p) => roleCan(role, p));

/** An admin manages everyone except owners, and cannot make anyone an owner. */
export function canAssignRole(actorRole: Role, targetCurrentRole: Role | null, newRole: Role | null): boolean {
  if (actorRole === 'owner') return true;
  if (actorRole !== 'admin') return false;
  return targetCurrentRole !== 'owner' && newRole !== 'owner';
}

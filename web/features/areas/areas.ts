import {
  Activity,
  BookOpen,
  Bot,
  Boxes,
  ChartColumn,
  ClipboardList,
  HeartPulse,
  LayoutDashboard,
  ListChecks,
  type LucideIcon,
  Settings,
  ShoppingCart,
  Store,
  Workflow,
} from 'lucide-react';
import type { PlainMessageKey } from '../../i18n/index.ts';

/** The areas not built yet: each renders an honest "Coming soon" card. */
export const comingSoonAreaIds = ['inventory', 'analytics'] as const;
export type ComingSoonAreaId = (typeof comingSoonAreaIds)[number];
export type AreaId =
  | 'dashboard'
  | 'tasks'
  | 'agents'
  | 'plans'
  | 'jobs'
  | 'stores'
  | 'catalog'
  | 'orders'
  | ComingSoonAreaId
  | 'health'
  | 'settings'
  | 'system';

export type NavSection = 'overview' | 'operations' | 'commerce' | 'system';

export interface Area {
  id: AreaId;
  path: string;
  icon: LucideIcon;
  label: PlainMessageKey;
  section: NavSection;
  /** What the area will do (coming-soon areas only). */
  description?: PlainMessageKey;
}

/** Every area of Nexo, in sidebar order. */
export const areas: readonly Area[] = [
  { id: 'dashboard', path: '/', icon: LayoutDashboard, label: 'nav.dashboard', section: 'overview' },
  { id: 'tasks', path: '/tasks', icon: ListChecks, label: 'nav.tasks', section: 'operations', description: 'area.tasks.description' },
  { id: 'plans', path: '/plans', icon: ClipboardList, label: 'nav.plans', section: 'operations', description: 'area.plans.description' },
  { id: 'agents', path: '/agents', icon: Bot, label: 'nav.agents', section: 'operations', description: 'area.agents.description' },
  { id: 'jobs', path: '/jobs', icon: Workflow, label: 'nav.jobs', section: 'operations', description: 'area.jobs.description' },
  { id: 'stores', path: '/stores', icon: Store, label: 'nav.stores', section: 'commerce', description: 'area.stores.description' },
  { id: 'catalog', path: '/catalog', icon: BookOpen, label: 'nav.catalog', section: 'commerce', description: 'area.catalog.description' },
  { id: 'inventory', path: '/inventory', icon: Boxes, label: 'nav.inventory', section: 'commerce', description: 'area.inventory.description' },
  { id: 'orders', path: '/orders', icon: ShoppingCart, label: 'nav.orders', section: 'commerce', description: 'area.orders.description' },
  { id: 'analytics', path: '/analytics', icon: ChartColumn, label: 'nav.analytics', section: 'commerce', description: 'area.analytics.description' },
  { id: 'health', path: '/health', icon: HeartPulse, label: 'nav.health', section: 'system', description: 'area.health.description' },
  { id: 'settings', path: '/settings', icon: Settings, label: 'nav.settings', section: 'system' },
  { id: 'system', path: '/system', icon: Activity, label: 'nav.system', section: 'system' },
];

export const navSections: ReadonlyArray<{ id: NavSection; label: PlainMessageKey }> = [
  { id: 'overview', label: 'nav.section.overview' },
  { id: 'operations', label: 'nav.section.operations' },
  { id: 'commerce', label: 'nav.section.commerce' },
  { id: 'system', label: 'nav.section.system' },
];

export function findArea(id: AreaId): Area {
  const area = areas.find((candidate) => candidate.id === id);
  if (!area) throw new Error(`unknown area ${id}`);
  return area;
}

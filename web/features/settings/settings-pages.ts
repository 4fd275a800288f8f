import { BellRing, KeyRound, type LucideIcon, Megaphone, ScrollText, SlidersHorizontal, Users } from 'lucide-react';
import type { Permission } from '../../../src/contracts/permissions.ts';
import type { PlainMessageKey } from '../../i18n/index.ts';

export type SettingsPageId = 'general' | 'members' | 'tokens' | 'alerts' | 'notifications' | 'audit';

export interface SettingsPage {
  id: SettingsPageId;
  path: '/settings' | '/settings/members' | '/settings/tokens' | '/settings/alerts' | '/settings/notifications' | '/settings/audit';
  label: PlainMessageKey;
  description: PlainMessageKey;
  icon: LucideIcon;
  /** Needed to see the page at all (the entry is hidden without it). */
  permission: Permission;
}

/** The Settings section's sub-pages, in tab order. */
export const settingsPages: readonly SettingsPage[] = [
  {
    id: 'general',
    path: '/settings',
    label: 'settings.general.title',
    description: 'settings.general.description',
    icon: SlidersHorizontal,
    permission: 'org.read',
  },
  { id: 'members', path: '/settings/members', label: 'members.title', description: 'members.description', icon: Users, permission: 'members.read' },
  { id: 'tokens', path: '/settings/tokens', label: 'tokens.title', description: 'tokens.description', icon: KeyRound, permission: 'tokens.read' },
  {
    id: 'alerts',
    path: '/settings/alerts',
    label: 'settings.alerts.title',
    description: 'settings.alerts.description',
    icon: BellRing,
    permission: 'alerts.read',
  },
  {
    id: 'notifications',
    path: '/settings/notifications',
    label: 'settings.notifications.title',
    description: 'settings.notifications.description',
    icon: Megaphone,
    permission: 'channels.read',
  },
  { id: 'audit', path: '/settings/audit', label: 'audit.title', description: 'audit.description', icon: ScrollText, permission: 'audit.read' },
];

export function findSettingsPage(id: SettingsPageId): SettingsPage {
  const page = settingsPages.find((candidate) => candidate.id === id);
  if (!page) throw new Error(`unknown settings page ${id}`);
  return page;
}

import type { Permission } from './permissions.ts';

/** What an agent token may do (DESIGN.md roles table): read and create its own tasks, nothing else. */
export const agentTokenPermissions: readonly Permission[] = ['system.read', 'tasks.read', 'tasks.create'];

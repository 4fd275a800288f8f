import { hasPermission, useMe } from '../auth/session.tsx';
import type { Task } from './tasks-api.ts';

/** What the signed-in role may do with tasks (the server checks again: this only hides what it would refuse). */
export function useTaskAbilities() {
  const me = useMe();
  const canApprove = hasPermission(me, 'tasks.approve');
  const canAssign = hasPermission(me, 'tasks.assign');
  const mayComplete = hasPermission(me, 'tasks.complete');
  return {
    canApprove,
    canAssign,
    /** Owners and admins complete or return any task in progress; operators only those assigned to them. */
    canComplete: (task: Pick<Task, 'status' | 'assignedTo'>) => task.status === 'in_progress' && mayComplete && (canAssign || task.assignedTo === me.user.id),
  };
}

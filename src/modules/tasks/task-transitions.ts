import type { TaskStatus } from '../../contracts/tasks.ts';

/** Seed 000's lifecycle as data: action -> the status it leaves from and the one it enters. */
export const taskTransitions = {
  submit: { from: ['pending'], to: 'awaiting_approval' },
  approve: { from: ['awaiting_approval'], to: 'approved' },
  reject: { from: ['awaiting_approval'], to: 'rejected' },
  assign: { from: ['approved'], to: 'in_progress' },
  complete: { from: ['in_progress'], to: 'completed' },
  return: { from: ['in_progress'], to: 'pending' },
} as const satisfies Record<string, { from: readonly TaskStatus[]; to: TaskStatus }>;

export type TaskAction = keyof typeof taskTransitions;

export const terminalStatuses: readonly TaskStatus[] = ['completed', 'rejected'];

export const canTransition = (action: TaskAction, from: TaskStatus): boolean => (taskTransitions[action].from as readonly TaskStatus[]).includes(from);

/** Every (from, to) pair the machine allows: the model test checks the database never shows another. */
export const allowedEdges: ReadonlySet<string> = new Set(Object.values(taskTransitions).flatMap((t) => t.from.map((f) => `${f}->${t.to}`)));

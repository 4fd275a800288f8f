export const timelineActions = ['created', 'submitted', 'approved', 'rejected', 'assigned', 'completed', 'returned', 'updated'] as const;
export type TimelineAction = (typeof timelineActions)[number];

const aliases: Record<string, TimelineAction> = {
  create: 'created',
  submit: 'submitted',
  approve: 'approved',
  reject: 'rejected',
  assign: 'assigned',
  complete: 'completed',
  return: 'returned',
  update: 'updated',
};

/** `task.approved`, `tasks.approve`, `approved` -> `approved`; anything unknown -> null (shown as it is). */
export function timelineAction(action: string): TimelineAction | null {
  const last = action.split('.').pop() ?? action;
  if ((timelineActions as readonly string[]).includes(last)) return last as TimelineAction;
  return aliases[last] ?? null;
}

export const timelineLabel = (action: TimelineAction) => `tasks.timeline.${action}` as const;

/** The few change fields worth a line in the timeline: a reason, notes, hours, an assignee. */
export function timelineDetails(changes: Record<string, unknown> | null): Array<{ key: string; value: string }> {
  if (!changes) return [];
  const rows: Array<{ key: string; value: string }> = [];
  const after = typeof changes.after === 'object' && changes.after !== null ? (changes.after as Record<string, unknown>) : {};
  const source = { ...after, ...changes };
  for (const key of ['reason', 'rejectionReason', 'notes', 'completionNotes', 'actualHours'] as const) {
    const value = source[key];
    if (typeof value === 'string' && value.trim()) rows.push({ key, value });
    else if (typeof value === 'number') rows.push({ key, value: String(value) });
  }
  return rows;
}

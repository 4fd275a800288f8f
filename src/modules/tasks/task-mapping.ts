import type { MarketplaceTask } from '../../contracts/tasks.ts';
import type { marketplaceTasks } from './tasks.tables.ts';

export type TaskRow = typeof marketplaceTasks.$inferSelect;

const iso = (d: Date | null) => (d ? { v: d.toISOString() } : null);

/** A row as seed 000's camelCase MarketplaceTask (absent optional values are omitted, not null). */
export function toTask(row: TaskRow): MarketplaceTask {
  const task: MarketplaceTask = {
    id: row.id,
    marketplace: row.marketplace,
    createdBy: row.createdBy,
    title: row.title,
    description: row.description,
    category: row.category as MarketplaceTask['category'],
    status: row.status as MarketplaceTask['status'],
    priority: row.priority as MarketplaceTask['priority'],
    createdAt: row.createdAt.toISOString(),
    estimatedHours: Number(row.estimatedHours),
    version: row.version,
  };
  const optional: Partial<MarketplaceTask> = {
    submittedAt: iso(row.submittedAt)?.v,
    approvedAt: iso(row.approvedAt)?.v,
    startedAt: iso(row.startedAt)?.v,
    completedAt: iso(row.completedAt)?.v,
    assignedTo: row.assignedTo ?? undefined,
    approvedBy: row.approvedBy ?? undefined,
    completedBy: row.completedBy ?? undefined,
    actualHours: row.actualHours === null ? undefined : Number(row.actualHours),
    tags: row.tags ?? undefined,
    metadata: row.metadata ?? undefined,
    rejectionReason: row.rejectionReason ?? undefined,
    completionNotes: row.completionNotes ?? undefined,
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) (task as Record<string, unknown>)[k] = v;
  return task;
}

/** Seed 000: accuracy = round(100 * min(est, actual) / max(est, actual)). */
export const timeAccuracy = (estimated: number, actual: number) => Math.round((100 * Math.min(estimated, actual)) / Math.max(estimated, actual));

/** The marketplace a channel agent works on (`marketplace-amazon` -> `amazon`); the master agent has none. */
export const agentMarketplace = (agentId: string): string | null => (agentId === 'marketplace-master' ? null : agentId.replace(/^marketplace-/, ''));

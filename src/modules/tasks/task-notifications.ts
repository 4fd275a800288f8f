import type { DbOrTx } from '../../db/client.ts';
import type { TxCtx } from '../../db/context.ts';
import { notifyUsers } from '../alerts/index.ts';
import { memberIdsWithRoles } from '../tenancy/index.ts';
import type { TaskRow } from './task-mapping.ts';

const KIND = 'tasks.awaiting_approval';

/**
 * Tasks entered awaiting_approval: each approver gets one notification per batch. Until they read it,
 * later batches are merged into the same notification (counts add up) instead of one per task.
 */
export async function notifyApprovers(db: DbOrTx, ctx: Pick<TxCtx, 'orgId' | 'now'>, rows: TaskRow[]): Promise<void> {
  if (rows.length === 0) return;
  const approvers = await memberIdsWithRoles(db, ctx.orgId, ['owner', 'admin']);
  await notifyUsers(db, ctx.orgId, approvers, ctx.now, (previous) => {
    const byMarketplace: Record<string, number> = { ...((previous?.byMarketplace as Record<string, number> | undefined) ?? {}) };
    for (const row of rows) byMarketplace[row.marketplace] = (byMarketplace[row.marketplace] ?? 0) + 1;
    const count = Object.values(byMarketplace).reduce((a, b) => a + b, 0);
    const taskIds = [...((previous?.taskIds as string[] | undefined) ?? []), ...rows.map((r) => r.id)].slice(-200);
    const summary = Object.entries(byMarketplace)
      .map(([m, n]) => `${m}: ${n}`)
      .join(', ');
    return {
      kind: KIND,
      title: count === 1 ? '1 task awaits approval' : `${count} tasks await approval`,
      body: summary,
      data: { count, byMarketplace, marketplaces: Object.keys(byMarketplace), taskIds },
    };
  });
}

import { and, eq, sql } from 'drizzle-orm';
import type { Order } from '../../contracts/connectors.ts';
import type { DbOrTx } from '../../db/client.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { orderLines, orders } from './orders.tables.ts';

/** Mirrors a page of a store's orders: one row per (store, channel order id), lines per channel line id. Idempotent. */
export async function upsertChannelOrders(tx: DbOrTx, scope: { orgId: string; storeId: string; now: Date }, page: Order[]): Promise<number> {
  for (const order of page) {
    const fields = {
      number: order.number,
      email: order.email,
      currency: order.currency,
      subtotalAmount: order.subtotal.amount,
      totalAmount: order.total.amount,
      financialStatus: order.financialStatus,
      fulfillmentStatus: order.fulfillmentStatus,
      cancelled: order.cancelled,
      channelCreatedAt: new Date(order.createdAt),
      channelUpdatedAt: new Date(order.updatedAt),
      syncedAt: scope.now,
    };
    const [row] = await tx
      .insert(orders)
      .values({ id: uuidv7(scope.now.getTime()), orgId: scope.orgId, storeId: scope.storeId, channelOrderId: order.channelId, ...fields })
      .onConflictDoUpdate({
        target: [orders.storeId, orders.channelOrderId],
        set: fields,
        // An out-of-order (older) copy never overwrites a newer one.
        setWhere: sql`${orders.channelUpdatedAt} <= excluded.channel_updated_at`,
      })
      .returning({ id: orders.id });
    const orderId =
      row?.id ??
      (
        await tx
          .select({ id: orders.id })
          .from(orders)
          .where(and(eq(orders.storeId, scope.storeId), eq(orders.channelOrderId, order.channelId)))
      )[0]?.id;
    if (!orderId || !row) continue;
    for (const line of order.lines) {
      const lineFields = {
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        unitPriceAmount: line.unitPrice.amount,
        totalAmount: line.total.amount,
        channelVariantId: line.channelVariantId,
      };
      await tx
        .insert(orderLines)
        .values({ id: uuidv7(scope.now.getTime()), orgId: scope.orgId, orderId, channelLineId: line.channelId, ...lineFields })
        .onConflictDoUpdate({ target: [orderLines.orderId, orderLines.channelLineId], set: lineFields });
    }
  }
  return page.length;
}

export async function countOrders(db: DbOrTx, orgId: string, storeId: string): Promise<{ orders: number; lines: number }> {
  const [o] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(orders)
    .where(and(eq(orders.orgId, orgId), eq(orders.storeId, storeId)));
  const [l] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(orderLines)
    .innerJoin(orders, eq(orders.id, orderLines.orderId))
    .where(and(eq(orders.orgId, orgId), eq(orders.storeId, storeId)));
  return { orders: o?.n ?? 0, lines: l?.n ?? 0 };
}

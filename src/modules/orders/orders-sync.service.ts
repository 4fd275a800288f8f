import { and, eq, sql } from 'drizzle-orm';
import type { Order } from '../../contracts/connectors.ts';
import type { DbOrTx } from '../../db/client.ts';
import { uuidv7 } from '../../lib/ids.ts';
import { orderLines, orders } from './orders.tables.ts';

/**
 * Mirrors a page of a store's orders: one row per (store, channel order id), lines per channel line id. Idempotent.
 * Set-based: one statement for the whole page (orders, then the lines of the orders it wrote). An out-of-order
 * (older) copy never overwrites a newer one, and its lines are left alone; a page holding the same order twice
 * keeps its newest copy (the later one on a tie), as writing the copies one after the other would.
 */
export async function upsertChannelOrders(tx: DbOrTx, scope: { orgId: string; storeId: string; now: Date }, page: Order[]): Promise<number> {
  const newest = new Map<string, Order>();
  for (const order of page) {
    const seen = newest.get(order.channelId);
    if (!seen || Date.parse(seen.updatedAt) <= Date.parse(order.updatedAt)) newest.set(order.channelId, order);
  }
  if (newest.size === 0) return page.length;
  const orderRows = [...newest.values()].map((order) => ({
    id: uuidv7(scope.now.getTime()),
    org_id: scope.orgId,
    store_id: scope.storeId,
    channel_order_id: order.channelId,
    number: order.number,
    email: order.email,
    currency: order.currency,
    subtotal_amount: order.subtotal.amount,
    total_amount: order.total.amount,
    financial_status: order.financialStatus,
    fulfillment_status: order.fulfillmentStatus,
    cancelled: order.cancelled,
    channel_created_at: new Date(order.createdAt).toISOString(),
    channel_updated_at: new Date(order.updatedAt).toISOString(),
    synced_at: scope.now.toISOString(),
  }));
  const lineRows = new Map<string, Record<string, unknown>>();
  for (const order of newest.values())
    for (const line of order.lines)
      lineRows.set(JSON.stringify([order.channelId, line.channelId]), {
        id: uuidv7(scope.now.getTime()),
        channel_order_id: order.channelId,
        channel_line_id: line.channelId,
        sku: line.sku,
        title: line.title,
        quantity: line.quantity,
        unit_price_amount: line.unitPrice.amount,
        total_amount: line.total.amount,
        channel_variant_id: line.channelVariantId,
      });
  const orderColumns = sql.raw(
    Object.keys(orderRows[0] as object)
      .map((c) => `"${c}"`)
      .join(', '),
  );
  const updated = sql.raw(
    Object.keys(orderRows[0] as object)
      .filter((c) => !['id', 'org_id', 'store_id', 'channel_order_id'].includes(c))
      .map((c) => `"${c}" = excluded."${c}"`)
      .join(', '),
  );
  await tx.execute(sql`
    with written as (
      insert into ${orders} (${orderColumns})
      select ${orderColumns} from jsonb_populate_recordset(null::${orders}, ${JSON.stringify(orderRows)}::jsonb)
      on conflict (store_id, channel_order_id) do update set ${updated}
      where ${orders.channelUpdatedAt} <= excluded.channel_updated_at
      returning id, channel_order_id
    )
    insert into ${orderLines} (id, org_id, order_id, channel_line_id, sku, title, quantity, unit_price_amount, total_amount, channel_variant_id)
    select l.id, ${scope.orgId}::uuid, written.id, l.channel_line_id, l.sku, l.title, l.quantity, l.unit_price_amount, l.total_amount, l.channel_variant_id
      from jsonb_to_recordset(${JSON.stringify([...lineRows.values()])}::jsonb) as l(id uuid, channel_order_id text, channel_line_id text, sku text, title text, quantity integer, unit_price_amount bigint, total_amount bigint, channel_variant_id text)
      join written on written.channel_order_id = l.channel_order_id
    on conflict (order_id, channel_line_id) do update set
      sku = excluded.sku, title = excluded.title, quantity = excluded.quantity, unit_price_amount = excluded.unit_price_amount,
      total_amount = excluded.total_amount, channel_variant_id = excluded.channel_variant_id`);
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

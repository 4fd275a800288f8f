import { and, desc, eq, gte, ilike, inArray, lt, or, type SQL, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { ListOrdersQuery, OrderFilters, OrderView, orderDetailSchema, ordersSummarySchema } from '../../contracts/orders.ts';
import type { StoreRef } from '../../contracts/stores.ts';
import type { DbOrTx } from '../../db/client.ts';
import { decodeTimeCursor, encodeTimeCursor } from '../../lib/cursor.ts';
import { notFound } from '../../lib/errors.ts';
import { containsPattern } from '../../lib/like.ts';
import { orderLines, orders } from './orders.tables.ts';

interface ReadCtx {
  orgId: string;
  db: DbOrTx;
}

/** The filters with the store / channel filter resolved by the caller to store ids (null: every store). */
type Filters = OrderFilters & { storeIds: string[] | null };

// Spelled out: drizzle renders columns unqualified inside a select list, which a correlated subquery cannot use.
const lineCount = sql<number>`(select count(*)::int from order_lines l where l.order_id = "orders"."id")`;

function conditions(ctx: ReadCtx, filters: Filters): SQL[] {
  const where: SQL[] = [eq(orders.orgId, ctx.orgId)];
  if (filters.storeIds) where.push(inArray(orders.storeId, filters.storeIds));
  if (filters.financialStatus) where.push(eq(orders.financialStatus, filters.financialStatus));
  if (filters.fulfillmentStatus) where.push(eq(orders.fulfillmentStatus, filters.fulfillmentStatus));
  if (filters.cancelled !== undefined) where.push(eq(orders.cancelled, filters.cancelled));
  if (filters.from) where.push(gte(orders.channelCreatedAt, new Date(filters.from)));
  if (filters.to) where.push(lt(orders.channelCreatedAt, new Date(filters.to)));
  if (filters.q) where.push(or(ilike(orders.number, containsPattern(filters.q)), eq(orders.channelOrderId, filters.q)) as SQL);
  return where;
}

type OrderRow = typeof orders.$inferSelect & { lineCount: number };

const toOrderView = (row: OrderRow, stores: Map<string, StoreRef>): OrderView => ({
  id: row.id,
  storeId: row.storeId,
  storeName: stores.get(row.storeId)?.name ?? '',
  platform: stores.get(row.storeId)?.platform ?? '',
  channelOrderId: row.channelOrderId,
  number: row.number,
  email: row.email,
  subtotal: { amount: row.subtotalAmount, currency: row.currency },
  total: { amount: row.totalAmount, currency: row.currency },
  financialStatus: row.financialStatus as OrderView['financialStatus'],
  fulfillmentStatus: row.fulfillmentStatus as OrderView['fulfillmentStatus'],
  cancelled: row.cancelled,
  lineCount: row.lineCount,
  placedAt: row.channelCreatedAt.toISOString(),
  updatedAt: row.channelUpdatedAt.toISOString(),
  syncedAt: row.syncedAt.toISOString(),
});

const byId = (stores: StoreRef[]) => new Map(stores.map((s) => [s.id, s]));

/** The org's orders across every store, newest placed first; keyset paging on (placed at, id). */
export async function listOrders(
  ctx: ReadCtx,
  stores: StoreRef[],
  query: ListOrdersQuery & { storeIds: string[] | null },
): Promise<{ orders: OrderView[]; nextCursor: string | null }> {
  if (query.storeIds?.length === 0) return { orders: [], nextCursor: null };
  const where = conditions(ctx, query);
  if (query.cursor) {
    const c = decodeTimeCursor(query.cursor);
    where.push(or(lt(orders.channelCreatedAt, c.at), and(eq(orders.channelCreatedAt, c.at), lt(orders.id, c.id))) as SQL);
  }
  const rows = await ctx.db
    .select({ order: orders, lineCount })
    .from(orders)
    .where(and(...where))
    .orderBy(desc(orders.channelCreatedAt), desc(orders.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1)?.order;
  const names = byId(stores);
  return {
    orders: page.map((r) => toOrderView({ ...r.order, lineCount: r.lineCount }, names)),
    nextCursor: rows.length > query.limit && last ? encodeTimeCursor(last.channelCreatedAt, last.id) : null,
  };
}

/** One order of the org with its lines (another org's id is NOT_FOUND, like a missing one). */
export async function getOrder(ctx: ReadCtx, stores: StoreRef[], orderId: string): Promise<z.infer<typeof orderDetailSchema>> {
  const [row] = await ctx.db
    .select({ order: orders, lineCount })
    .from(orders)
    .where(and(eq(orders.id, orderId), eq(orders.orgId, ctx.orgId)));
  if (!row) throw notFound('order');
  const lines = await ctx.db.select().from(orderLines).where(eq(orderLines.orderId, orderId)).orderBy(orderLines.channelLineId);
  return {
    ...toOrderView({ ...row.order, lineCount: row.lineCount }, byId(stores)),
    lines: lines.map((l) => ({
      id: l.id,
      channelLineId: l.channelLineId,
      sku: l.sku,
      title: l.title,
      quantity: l.quantity,
      unitPrice: { amount: l.unitPriceAmount, currency: row.order.currency },
      total: { amount: l.totalAmount, currency: row.order.currency },
      channelVariantId: l.channelVariantId,
    })),
  };
}

/** Count and totals per store and currency of the orders the filters keep (cancelled orders add nothing to the totals). */
export async function ordersSummary(ctx: ReadCtx, stores: StoreRef[], filters: Filters): Promise<z.infer<typeof ordersSummarySchema>> {
  if (filters.storeIds?.length === 0) return { count: 0, byStore: [] };
  const rows = await ctx.db
    .select({
      storeId: orders.storeId,
      currency: orders.currency,
      count: sql<number>`count(*)::int`,
      total: sql<string>`coalesce(sum(${orders.totalAmount}) filter (where not ${orders.cancelled}), 0)::text`,
    })
    .from(orders)
    .where(and(...conditions(ctx, filters)))
    .groupBy(orders.storeId, orders.currency);
  const names = byId(stores);
  const byStore = rows
    .map((r) => ({
      storeId: r.storeId,
      storeName: names.get(r.storeId)?.name ?? '',
      platform: names.get(r.storeId)?.platform ?? '',
      currency: r.currency,
      count: r.count,
      total: { amount: Number(r.total), currency: r.currency },
    }))
    .sort((a, b) => a.storeName.localeCompare(b.storeName) || a.currency.localeCompare(b.currency));
  return { count: byStore.reduce((n, s) => n + s.count, 0), byStore };
}

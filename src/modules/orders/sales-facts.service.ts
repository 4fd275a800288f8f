import { sql } from 'drizzle-orm';
import { type DbOrTx, selectRows } from '../../db/client.ts';

/** Units and revenue of one SKU on one store over the windows the marketplace agents' rules read (cancelled orders excluded). */
export interface SkuSales {
  storeId: string;
  sku: string;
  units7: number;
  units30: number;
  /** Units in the last 14 days and the 14 days before (the trend). */
  unitsLast14: number;
  unitsPrev14: number;
  revenue30: number;
  lastSoldAt: string | null;
}

export interface StoreOrderStats {
  storeId: string;
  orders: number;
  cancelled: number;
}

const storeList = (storeIds: string[]) =>
  sql.join(
    storeIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

/** Sales by (store, SKU) over the 28 / 30 days before `now`, one aggregate query. */
export async function skuSales(db: DbOrTx, orgId: string, storeIds: string[], now: Date): Promise<SkuSales[]> {
  if (storeIds.length === 0) return [];
  const day = 86_400_000;
  const d7 = new Date(now.getTime() - 7 * day);
  const d14 = new Date(now.getTime() - 14 * day);
  const d28 = new Date(now.getTime() - 28 * day);
  const d30 = new Date(now.getTime() - 30 * day);
  return selectRows<SkuSales>(
    db,
    sql`
    select o.store_id as "storeId", ol.sku,
      coalesce(sum(ol.quantity) filter (where o.channel_created_at >= ${d7}), 0)::int as "units7",
      coalesce(sum(ol.quantity) filter (where o.channel_created_at >= ${d30}), 0)::int as "units30",
      coalesce(sum(ol.quantity) filter (where o.channel_created_at >= ${d14}), 0)::int as "unitsLast14",
      coalesce(sum(ol.quantity) filter (where o.channel_created_at < ${d14} and o.channel_created_at >= ${d28}), 0)::int as "unitsPrev14",
      coalesce(sum(ol.total_amount) filter (where o.channel_created_at >= ${d30}), 0)::float8 as "revenue30",
      max(o.channel_created_at) as "lastSoldAt"
    from orders o join order_lines ol on ol.order_id = o.id
    where o.org_id = ${orgId} and o.store_id in (${storeList(storeIds)}) and not o.cancelled
      and o.channel_created_at >= ${d30} and o.channel_created_at < ${now} and ol.sku <> ''
    group by o.store_id, ol.sku`,
  );
}

/** Orders and cancelled orders per store placed since `since`. */
export async function storeOrderStats(db: DbOrTx, orgId: string, storeIds: string[], since: Date): Promise<StoreOrderStats[]> {
  if (storeIds.length === 0) return [];
  return selectRows<StoreOrderStats>(
    db,
    sql`
    select store_id as "storeId", count(*)::int as orders, (count(*) filter (where cancelled))::int as cancelled
    from orders where org_id = ${orgId} and store_id in (${storeList(storeIds)}) and channel_created_at >= ${since}
    group by store_id`,
  );
}

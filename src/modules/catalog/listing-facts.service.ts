import { sql } from 'drizzle-orm';
import { type DbOrTx, selectRows } from '../../db/client.ts';

/** One listing with what the marketplace agents' rules read (rules/ in the agents module); amounts in minor units. */
export interface ListingFact {
  listingId: string;
  storeId: string;
  variantId: string;
  productId: string;
  sku: string | null;
  listingStatus: string;
  /** The title the channel shows for the item: the product's when this store is where it was first read, else the listing's. */
  title: string;
  description: string;
  productType: string | null;
  imageCount: number;
  videoCount: number;
  attributeCount: number;
  priceAmount: number;
  currency: string;
  /** Null when the store reported no stock level for the variant. */
  available: number | null;
  /** When the channel last changed the price, if the listing's fields tell it (`priceUpdatedAt`). */
  priceUpdatedAt: string | null;
}

/** The median listing price of the given stores by (product type, currency); `productType` null: every listing of that currency. */
export interface PriceMedian {
  productType: string | null;
  currency: string;
  median: number;
  peers: number;
}

const storeList = (storeIds: string[]) =>
  sql.join(
    storeIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

/** Price medians per product type and overall (per currency) over the listings of the given stores, one aggregate query. */
export async function listingPriceMedians(db: DbOrTx, orgId: string, storeIds: string[]): Promise<PriceMedian[]> {
  if (storeIds.length === 0) return [];
  const rows = await selectRows<PriceMedian & { typed: boolean }>(
    db,
    sql`
    select nullif(p.product_type, '') as "productType", l.currency, grouping(p.product_type) = 0 as typed,
      percentile_cont(0.5) within group (order by l.price_amount)::float8 as median, count(*)::int as peers
    from listings l join product_variants v on v.id = l.variant_id join products p on p.id = v.product_id
    where l.org_id = ${orgId} and l.store_id in (${storeList(storeIds)}) and l.status <> 'deleted'
    group by grouping sets ((p.product_type, l.currency), (l.currency))`,
  );
  // A typed group without a type (null or empty) is not a comparable set; the overall group has productType null.
  return rows.filter((r) => !r.typed || r.productType !== null).map(({ typed: _typed, ...r }) => r);
}

/**
 * The facts of every listing of the given stores in one set-based query (stock level, content counts), ordered
 * by listing id; `afterId` + `limit` page through a large catalog.
 */
export async function listingFacts(db: DbOrTx, orgId: string, storeIds: string[], page: { afterId?: string; limit: number }): Promise<ListingFact[]> {
  if (storeIds.length === 0) return [];
  const after = page.afterId ? sql`and l.id > ${page.afterId}::uuid` : sql``;
  return selectRows<ListingFact>(
    db,
    sql`
    select l.id as "listingId", l.store_id as "storeId", l.variant_id as "variantId", p.id as "productId", v.sku,
      l.status as "listingStatus", case when p.origin_store_id = l.store_id then p.title else l.title end as title, p.description,
      p.product_type as "productType", p.image_count as "imageCount", p.video_count as "videoCount",
      (select count(*)::int from jsonb_object_keys(v.attributes)) as "attributeCount",
      l.price_amount::float8 as "priceAmount", l.currency, il.available, l.fields->>'priceUpdatedAt' as "priceUpdatedAt"
    from listings l
      join product_variants v on v.id = l.variant_id
      join products p on p.id = v.product_id
      left join inventory_levels il on il.store_id = l.store_id and il.variant_id = l.variant_id
    where l.org_id = ${orgId} and l.store_id in (${storeList(storeIds)}) and l.status <> 'deleted' ${after}
    order by l.id
    limit ${page.limit}`,
  );
}

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
  /** The median price of the listings of the same product type on the given stores (null without type or peers). */
  typeMedian: number | null;
  typePeers: number;
  /** The median price of every listing on the given stores, same currency. */
  overallMedian: number | null;
  overallPeers: number;
  /** When the channel last changed the price, if the listing's fields tell it (`priceUpdatedAt`). */
  priceUpdatedAt: string | null;
}

/**
 * The facts of every listing of the given stores in one set-based query (medians by product type and overall,
 * stock level, content counts), ordered by listing id; `afterId` + `limit` page through a large catalog.
 */
export async function listingFacts(db: DbOrTx, orgId: string, storeIds: string[], page: { afterId?: string; limit: number }): Promise<ListingFact[]> {
  if (storeIds.length === 0) return [];
  const stores = sql.join(
    storeIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const after = page.afterId ? sql`and l.id > ${page.afterId}::uuid` : sql``;
  return selectRows<ListingFact>(
    db,
    sql`
    with scope as (
      select l.id, l.price_amount, l.currency, p.product_type
      from listings l join product_variants v on v.id = l.variant_id join products p on p.id = v.product_id
      where l.org_id = ${orgId} and l.store_id in (${stores}) and l.status <> 'deleted'
    ),
    by_type as (
      select product_type, currency, percentile_cont(0.5) within group (order by price_amount) as median, count(*)::int as peers
      from scope where product_type is not null and product_type <> '' group by product_type, currency
    ),
    overall as (
      select currency, percentile_cont(0.5) within group (order by price_amount) as median, count(*)::int as peers from scope group by currency
    )
    select l.id as "listingId", l.store_id as "storeId", l.variant_id as "variantId", p.id as "productId", v.sku,
      l.status as "listingStatus", case when p.origin_store_id = l.store_id then p.title else l.title end as title, p.description, p.product_type as "productType",
      p.image_count as "imageCount", p.video_count as "videoCount",
      (select count(*)::int from jsonb_object_keys(v.attributes)) as "attributeCount",
      l.price_amount::float8 as "priceAmount", l.currency, il.available,
      bt.median::float8 as "typeMedian", coalesce(bt.peers, 0) as "typePeers",
      o.median::float8 as "overallMedian", coalesce(o.peers, 0) as "overallPeers",
      l.fields->>'priceUpdatedAt' as "priceUpdatedAt"
    from listings l
      join product_variants v on v.id = l.variant_id
      join products p on p.id = v.product_id
      left join inventory_levels il on il.store_id = l.store_id and il.variant_id = l.variant_id
      left join by_type bt on bt.product_type = p.product_type and bt.currency = l.currency
      left join overall o on o.currency = l.currency
    where l.org_id = ${orgId} and l.store_id in (${stores}) and l.status <> 'deleted' ${after}
    order by l.id
    limit ${page.limit}`,
  );
}

import type { StoreRef } from '../../contracts/stores.ts';
import type { Ctx } from '../../db/context.ts';
import { listStores } from '../../modules/stores/index.ts';

/**
 * The org's stores (to name the store and channel of listings and orders) and the store ids a `storeId` /
 * `platform` filter keeps (null: no such filter; empty: nothing matches, e.g. another org's store id).
 */
export async function storeScope(
  ctx: Ctx,
  filter: { storeId?: string | undefined; platform?: string | undefined },
): Promise<{ stores: StoreRef[]; storeIds: string[] | null }> {
  const stores = (await listStores(ctx)).map(({ id, name, platform }) => ({ id, name, platform }));
  if (!filter.storeId && !filter.platform) return { stores, storeIds: null };
  const storeIds = stores.filter((s) => (!filter.storeId || s.id === filter.storeId) && (!filter.platform || s.platform === filter.platform)).map((s) => s.id);
  return { stores, storeIds };
}

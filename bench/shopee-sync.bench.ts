import { shopeeConnector } from '../src/connectors/shopee/shopee.connector.ts';
import { pacedSyncBenchmark } from './lib/paced-sync.ts';

/**
 * `shopee-sync`: a full Shopee sync of BENCH_SYNC_SKUS SKUs (and BENCH_SHOPEE_ORDERS orders) from an emulated shop
 * that allows BENCH_SHOPEE_RPS signed calls/s, as a share of that limit, through the connector alone and through
 * Nexo's `stores.sync` job on PostgreSQL (BENCH_DATABASE_URL) and PGlite (BENCH_SHOPEE_RUNS picks the paths).
 * A page of items costs get_item_list + get_item_base_info + one get_model_list per item with models (Shopee
 * has no batch model read).
 */
const RPS = Number(process.env.BENCH_SHOPEE_RPS ?? 50);

export const benchmark = pacedSyncBenchmark({
  name: 'shopee-sync',
  title: 'Shopee',
  platform: 'shopee',
  rate: RPS,
  skus: Number(process.env.BENCH_SYNC_SKUS ?? 10_000),
  orders: Number(process.env.BENCH_SHOPEE_ORDERS ?? 500),
  runs: (process.env.BENCH_SHOPEE_RUNS ?? 'connector,postgres,pglite').split(',').map((s) => s.trim()),
  callsPerPage: 'get_item_list + get_item_base_info + get_model_list per item',
  store: (shop) => ({
    connectorConfig: { apiBaseUrl: shop.baseUrl, requestsPerSecond: RPS },
    credentials: {
      partnerId: shop.partnerId,
      partnerKey: shop.partnerKey,
      shopId: shop.shopId,
      accessToken: shop.accessToken,
      refreshToken: shop.refreshToken,
      expiresAt: shop.expiresAt,
    },
  }),
  connector: shopeeConnector,
});

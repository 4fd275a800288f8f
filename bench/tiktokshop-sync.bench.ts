import { tiktokShopConnector } from '../src/connectors/tiktokshop/tiktokshop.connector.ts';
import { channelLimits } from '../src/modules/stores/channel-limits.ts';
import { pacedSyncBenchmark } from './lib/paced-sync.ts';

/**
 * `tiktokshop-sync`: a full TikTok Shop sync of BENCH_SYNC_SKUS SKUs and BENCH_TTS_ORDERS orders from an emulated
 * shop that allows BENCH_TTS_RATE requests/s for the whole shop (HTTP 429 / 36009002 above it), as a share of that
 * limit, through the connector alone and through Nexo's `stores.sync` job on PostgreSQL (BENCH_DATABASE_URL) and
 * PGlite (BENCH_TTS_RUNS picks the paths). One search request per page of products or orders.
 */
const RATE = Number(process.env.BENCH_TTS_RATE ?? channelLimits.tiktokshop?.default.refillPerSecond ?? 10);

export const benchmark = pacedSyncBenchmark({
  name: 'tiktokshop-sync',
  title: 'TikTok Shop',
  platform: 'tiktokshop',
  rate: RATE,
  skus: Number(process.env.BENCH_SYNC_SKUS ?? 10_000),
  orders: Number(process.env.BENCH_TTS_ORDERS ?? 500),
  runs: (process.env.BENCH_TTS_RUNS ?? 'connector,postgres,pglite').split(',').map((s) => s.trim()),
  callsPerPage: 'one search request per page',
  shopOptions: { rateLimitScope: 'shop' },
  store: (shop) => ({
    connectorConfig: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl, requestsPerSecond: RATE },
    credentials: {
      appKey: shop.clientId,
      appSecret: shop.clientSecret,
      accessToken: shop.accessToken,
      refreshToken: String(shop.refreshToken),
      shopCipher: String(shop.shopCipher),
      shopId: String(shop.shopId),
    },
  }),
  connector: tiktokShopConnector,
});

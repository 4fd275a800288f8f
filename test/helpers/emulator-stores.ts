import type { Ctx } from '../../src/db/context.ts';
import type { Emulator } from '../../src/emulator/emulator.ts';
import { connectStore, createStoreLimits, runStoreSync, type StoreLimits } from '../../src/modules/stores/index.ts';
import { testKey } from './ctx.ts';
import { silentLog } from './template.ts';

/** The store limits tests use: a breaker that tolerates the emulator's injected faults unless told otherwise. */
export const testStoreLimits = (overrides: Partial<Parameters<typeof createStoreLimits>[0]> = {}): StoreLimits =>
  createStoreLimits({
    breakerEnabled: true,
    failureThreshold: 50,
    resetTimeoutMs: 1000,
    halfOpenSuccesses: 1,
    callTimeoutMs: 20_000,
    rateMaxWaitMs: 5_000,
    rateHeadroom: 0,
    ...overrides,
  });

type Platform = 'shopee' | 'tiktokshop' | 'mercadolivre';

/** Connects one emulated store of `platform` to the ctx's org (credentials as the emulator issued them). */
export async function connectEmulatorStore(ctx: Ctx, emulator: Emulator, platform: Platform, name: string, size: { products: number; orders: number }) {
  if (platform === 'shopee') {
    const shop = emulator.createShop({ platform, shop: name, ...size, requestsPerSecond: 100 }) as ReturnType<Emulator['createShop']> & Record<string, never>;
    return connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform,
        name,
        externalId: String(shop.shopId),
        connectorConfig: { apiBaseUrl: shop.baseUrl, requestsPerSecond: 50 },
        credentials: {
          partnerId: shop.partnerId,
          partnerKey: shop.partnerKey,
          shopId: shop.shopId,
          accessToken: shop.accessToken,
          refreshToken: shop.refreshToken,
          expiresAt: new Date(Date.now() - 1000).toISOString(),
        },
      },
    );
  }
  if (platform === 'tiktokshop') {
    const shop = emulator.createShop({ platform, shop: name, ...size }) as ReturnType<Emulator['createShop']> & Record<string, never>;
    return connectStore(
      ctx,
      { secretKey: testKey },
      {
        platform,
        name,
        connectorConfig: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl },
        credentials: {
          appKey: shop.clientId,
          appSecret: shop.clientSecret,
          accessToken: shop.accessToken,
          refreshToken: shop.refreshToken,
          shopCipher: shop.shopCipher,
          shopId: shop.shopId,
        },
      },
    );
  }
  const seller = emulator.createShop({ platform, shop: name, ...size }) as ReturnType<Emulator['createShop']> & Record<string, never>;
  return connectStore(
    ctx,
    { secretKey: testKey },
    {
      platform,
      name,
      connectorConfig: { apiBaseUrl: seller.baseUrl, requestsPerSecond: 100 },
      credentials: { accessToken: seller.accessToken, refreshToken: seller.refreshToken, userId: seller.userId, expiresAt: seller.expiresAt },
    },
  );
}

/** Connects and fully syncs one emulated store per platform; returns their ids by platform. */
export async function syncedEmulatorStores(
  ctx: Ctx,
  emulator: Emulator,
  limits: StoreLimits,
  platforms: Platform[],
  size = { products: 12, orders: 6 },
  prefix = 'agents',
) {
  const ids: Partial<Record<Platform, string>> = {};
  for (const platform of platforms) {
    const store = await connectEmulatorStore(ctx, emulator, platform, `${prefix}-${platform}`, size);
    const outcome = await runStoreSync(ctx.db, { secretKey: testKey, limits }, { orgId: ctx.orgId, storeId: store.id, mode: 'full' }, silentLog);
    if ((outcome as { status: string }).status !== 'done') throw new Error(`sync of ${platform} did not finish: ${JSON.stringify(outcome)}`);
    ids[platform] = store.id;
  }
  return ids;
}

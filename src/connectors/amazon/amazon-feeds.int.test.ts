import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amazonStateOf } from '../../emulator/amazon/amazon-state.ts';
import { createEmulator, type Emulator } from '../../emulator/emulator.ts';
import { isConnectorError } from '../sdk/connector-error.ts';
import { must } from '../sdk/contract-suite.ts';
import { paginate } from '../sdk/http.ts';
import { amazonConnector } from './amazon.connector.ts';
import type { AmazonConfig } from './amazon-schemas.ts';

/** Feeds, LWA and FBA behaviour of the Amazon connector against the emulator (the contract suite covers the rest). */
describe('Amazon connector: feeds, LWA tokens, FBA, variation families', () => {
  let emulator: Emulator;
  let n = 0;
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'amazon-feeds' });
    await emulator.listen(0);
  });
  afterAll(() => emulator?.close());

  function newSeller(options: { products?: number; fbaShare?: number; accessTokenTtlSeconds?: number; config?: Partial<AmazonConfig> } = {}) {
    const shop = `amazon-feeds-${++n}`;
    const created = emulator.createAmazonShop({
      platform: 'amazon',
      shop,
      products: options.products ?? 20,
      orders: 0,
      feedDelayMs: 80,
      fbaShare: options.fbaShare ?? 0,
      ...(options.accessTokenTtlSeconds ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds } : {}),
    });
    const calls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      calls.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname.replace(/^\/amazon\/[^/]+/, '')}`);
      return fetch(input, init);
    };
    const connect = () =>
      amazonConnector.connect({
        credentials: { lwaClientId: created.clientId, lwaClientSecret: created.clientSecret, refreshToken: created.refreshToken },
        config: {
          sellerId: created.sellerId,
          marketplaceId: created.marketplaceId,
          apiBaseUrl: created.baseUrl,
          authUrl: created.authUrl,
          verifyDelayMs: 20,
          verifyAttempts: 3,
          feedPollIntervalMs: 25,
          bulkFeedThreshold: 5,
          ...options.config,
        },
        fetch: counting,
      });
    return { shop, created, calls, connect, state: () => amazonStateOf(emulator.shop(shop)) };
  }

  const skusOf = async (client: ReturnType<ReturnType<typeof newSeller>['connect']>) => {
    const listProducts = must(client.listProducts, 'listProducts').bind(client);
    const skus: string[] = [];
    for await (const product of paginate((cursor) => listProducts({ cursor, limit: 50 }))) skus.push(...product.variants.map((v) => v.sku));
    return skus;
  };

  it('sets the stock of many SKUs through one JSON_LISTINGS_FEED and reads it back', async () => {
    const seller = newSeller();
    const client = seller.connect();
    const skus = (await skusOf(client)).slice(0, 30);
    const levels = await must(client.setInventory, 'setInventory').call(
      client,
      skus.map((sku, i) => ({ inventoryItemId: sku, available: 100 + i })),
    );
    expect(levels.map((l) => l.available)).toEqual(skus.map((_, i) => 100 + i));
    expect(seller.calls.filter((c) => c === 'POST /feeds/2021-06-30/feeds')).toHaveLength(1);
    expect(seller.calls.filter((c) => c.startsWith('PATCH '))).toHaveLength(0);
    expect(seller.calls).toContain(`PUT /_s3/${must([...seller.state().documents.keys()][0], 'a document')}`);
    const feed = must([...seller.state().feeds.values()][0], 'a feed');
    expect(feed.processingStatus).toBe('DONE');
    const report = JSON.parse(must(seller.state().documents.get(must(feed.resultFeedDocumentId, 'a report'))?.content, 'report content').toString('utf8'));
    expect(report.summary).toMatchObject({ messagesProcessed: 30, messagesAccepted: 30, messagesInvalid: 0 });
  });

  it('reprices through a feed and detects messages the feed accepted but did not apply', async () => {
    const seller = newSeller();
    const client = seller.connect();
    const products = await must(client.listProducts, 'listProducts').call(client, { limit: 20 });
    const variants = products.items.flatMap((p) => p.variants.map((v) => ({ p, v }))).slice(0, 10);
    const updatePrices = must(client.updatePrices, 'updatePrices').bind(client);
    const updates = variants.map(({ p, v }) => ({ channelProductId: p.channelId, channelVariantId: v.channelId, price: { amount: 4242, currency: 'BRL' } }));
    emulator.setFaults(seller.shop, { dropWrites: 2 });
    const error = await updatePrices(updates).catch((e: unknown) => e);
    expect(isConnectorError(error) && error.kind).toBe('write_not_applied');
    expect(emulator.shop(seller.shop).stats.droppedWrites).toBe(2);
    await updatePrices(updates); // the retry lands
    const product = must(await must(client.getProduct, 'getProduct').call(client, must(variants[0], 'a variant').p.channelId), 'the product');
    expect(product.variants.find((v) => v.channelId === variants[0]?.v.channelId)?.price.amount).toBe(4242);
  });

  it('reports the SKUs a feed refused, from the processing report (FBA stock is read-only)', async () => {
    const seller = newSeller({ fbaShare: 1 });
    const client = seller.connect();
    const skus = (await skusOf(client)).slice(0, 8);
    const inventory = await must(client.getInventory, 'getInventory').call(client, skus);
    expect(inventory.every((level) => level.locationId === 'AMAZON_NA')).toBe(true);
    const error = await must(client.setInventory, 'setInventory')
      .call(
        client,
        skus.map((sku) => ({ inventoryItemId: sku, available: 3 })),
      )
      .catch((e: unknown) => e);
    expect(isConnectorError(error) && error.kind).toBe('rejected');
    expect(String((error as Error).message)).toMatch(/refused 8 SKU\(s\) of feed \d+.*FBA/);
    // Below the threshold the PATCH answer itself says INVALID.
    const single = await must(client.setInventory, 'setInventory')
      .call(client, [{ inventoryItemId: must(skus[0], 'a sku'), available: 3 }])
      .catch((e: unknown) => e);
    expect(isConnectorError(single) && single.kind).toBe('rejected');
  });

  it('exchanges the refresh token once, reuses the access token, and exchanges again when SP-API refuses it', async () => {
    const seller = newSeller();
    const client = seller.connect();
    await client.testConnection();
    await must(client.listProducts, 'listProducts').call(client, { limit: 5 });
    await seller.connect().testConnection(); // a new client of the same store reuses the cached token
    expect(seller.calls.filter((c) => c === 'POST /auth/o2/token')).toHaveLength(1);
    seller.state().accessTokens.clear(); // Amazon no longer accepts it (expired early, revoked)
    await client.testConnection();
    expect(seller.calls.filter((c) => c === 'POST /auth/o2/token')).toHaveLength(2);
  });

  it('renews an access token that is about to expire before using it', async () => {
    const seller = newSeller({ accessTokenTtlSeconds: 120 }); // inside the 5-minute renewal margin
    const client = seller.connect();
    await client.testConnection();
    await client.testConnection();
    expect(seller.calls.filter((c) => c === 'POST /auth/o2/token').length).toBeGreaterThanOrEqual(2);
  });

  it('answers a revoked authorization (invalid_grant) with a non-retryable auth error', async () => {
    const seller = newSeller();
    seller.state().revokedRefreshTokens.add(seller.created.refreshToken);
    const error = await seller
      .connect()
      .testConnection()
      .catch((e: unknown) => e);
    expect(isConnectorError(error) && error.kind).toBe('auth');
    expect((error as { retryable: boolean }).retryable).toBe(false);
    expect((error as Error).message).toMatch(/invalid_grant.*reconnect/);
    expect((error as Error).message).not.toContain(seller.created.refreshToken);
  });

  it('lists the children of a deleted parent SKU (orphans) as products of their own, once each', async () => {
    const seller = newSeller({ products: 10 });
    const client = seller.connect();
    const family = must(
      [...emulator.shop(seller.shop).products.values()].find((p) => p.variants.length > 1),
      'a product with variants',
    );
    const parentSku = must(seller.state().parentSku.get(family.id), 'its parent SKU');
    const before = await skusOf(client);
    const response = await fetch(
      `${seller.created.baseUrl}/listings/2021-08-01/items/${seller.created.sellerId}/${parentSku}?marketplaceIds=${seller.created.marketplaceId}`,
      {
        method: 'DELETE',
        headers: { 'x-amz-access-token': must([...seller.state().accessTokens.keys()][0], 'an access token') },
      },
    );
    expect(response.status).toBe(200);
    const after = await skusOf(client);
    expect(after.sort()).toEqual(before.sort());
    const orphan = must(await must(client.getProduct, 'getProduct').call(client, must(family.variants[0], 'a child').sku), 'the orphan');
    expect(orphan.channelId).toBe(family.variants[0]?.sku);
    expect(await must(client.getProduct, 'getProduct').call(client, parentSku)).toBeNull();
  });

  it('refuses a config whose region does not match the marketplace, and an unknown marketplace', () => {
    const credentials = { lwaClientId: 'a', lwaClientSecret: 'b', refreshToken: 'c' };
    expect(() => amazonConnector.connect({ credentials, config: { sellerId: 'A1B2C3D4E5F6G7', marketplaceId: 'A2Q3Y263D00KWC', region: 'eu' } })).toThrow(
      /region/,
    );
    expect(() => amazonConnector.connect({ credentials, config: { sellerId: 'A1B2C3D4E5F6G7', marketplaceId: 'XX' } })).toThrow(/marketplace/);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AmazonShopCredentials } from '../../src/emulator/amazon/amazon-host.ts';
import { createEmulator, type Emulator } from '../../src/emulator/emulator.ts';
import { skipBrowserTests, useDashboard } from './browser.ts';

describe.skipIf(skipBrowserTests)('stores page: Amazon key entry', () => {
  let emulator: Emulator;
  let seller: AmazonShopCredentials;
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'amazon-browser' });
    await emulator.listen(0, '127.0.0.1');
    seller = emulator.createAmazonShop({ platform: 'amazon', shop: 'browser-amazon', products: 6, orders: 2 });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const dashboard = useDashboard();

  it('connects an emulated Amazon seller with LWA keys, tests it and shows its capability matrix', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/stores');
    await page.getByTestId('cap-amazon-order_webhooks').waitFor();
    expect(await page.getByTestId('cap-amazon-order_webhooks').textContent()).toBe('Workaround');
    expect(await page.getByTestId('cap-amazon-bulk_operations').textContent()).toBe('Native');
    expect(await page.getByTestId('cap-amazon-push_inventory').getAttribute('title')).toMatch(/FBA/);

    await page.getByTestId('connect-store').click();
    await page.getByTestId('connect-channel').selectOption('amazon');
    const form = page.getByTestId('amazon-connect');
    await form.getByTestId('amazon-name').fill('Amazon BR');
    await form.getByTestId('amazon-sellerId').fill(seller.sellerId);
    await form.getByTestId('amazon-marketplaceId').selectOption('A2Q3Y263D00KWC');
    await form.getByTestId('amazon-lwaClientId').fill(seller.clientId);
    await form.getByTestId('amazon-lwaClientSecret').fill(seller.clientSecret);
    await form.getByTestId('amazon-refreshToken').fill(seller.refreshToken);
    await form.getByTestId('amazon-apiBaseUrl').fill(seller.baseUrl);
    await form.getByTestId('amazon-authUrl').fill(seller.authUrl);
    await form.scrollIntoViewIfNeeded();
    await dashboard.screenshot(page, 'stores-amazon-connect.png');
    await form.getByTestId('amazon-save').click();

    const row = page.locator('[data-testid=store-row][data-name="Amazon BR"]');
    await row.waitFor();
    expect(await row.getByTestId('store-credentials').textContent()).toBe('Credentials set: lwaClientId, lwaClientSecret, refreshToken');
    await row.getByTestId('store-test').click();
    await row.getByTestId('store-test-result').waitFor();
    expect(await row.getByTestId('store-test-result').textContent()).toMatch(/^Connection OK \(\d+ ms\)$/);
    const html = await page.content();
    expect(html).not.toContain(seller.refreshToken);
    expect(html).not.toContain(seller.clientSecret);
  });
});

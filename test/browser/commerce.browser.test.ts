import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator, type ShopCredentials } from '../../src/emulator/emulator.ts';
import { api, documentState, skipBrowserTests, useDashboard } from './browser.ts';

/**
 * Catalog, Orders and "Sync now" against an emulated Shopify store connected through the Stores page: the first
 * sync fills the Catalog and Orders pages with exactly what the shop has; new orders on the shop appear after
 * "Sync now", whose job is followed on the Stores page.
 */
describe.skipIf(skipBrowserTests)('catalog, orders and sync now', () => {
  let emulator: Emulator;
  let shop: ShopCredentials;
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'commerce-browser' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createShop({ platform: 'shopify', shop: 'commerce-browser.myshopify.com', products: 30, orders: 6 });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const dashboard = useDashboard();
  /** Lists load lazily and re-query after each filter change: wait like page.waitFor does. */
  const poll = { timeout: 15_000, interval: 100 };

  const storeRow = (page: Page) => page.locator('[data-testid=store-row][data-name="Commerce shop"]');
  const waitForFirstSync = async (page: Page) => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { stores } = await api<{ stores: Array<{ name: string; lastSyncedAt: string | null }> }>(page, 'GET', '/api/stores');
      if (stores.find((s) => s.name === 'Commerce shop')?.lastSyncedAt) return;
      if (Date.now() > deadline) throw new Error('the first sync did not finish within 60 s');
      await page.waitForTimeout(250);
    }
  };

  it('connects a store by key entry; its first sync fills the catalog with every product and its listings', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/stores');
    await page.getByTestId('connect-store').click();
    await page.getByTestId('connect-shop').fill(shop.shop);
    await page.getByTestId('connect-name').fill('Commerce shop');
    await page.getByTestId('connect-token').fill(shop.accessToken);
    await page.getByTestId('connect-base-url').fill(shop.baseUrl);
    await page.getByTestId('connect-key').click();
    await storeRow(page).waitFor();
    await waitForFirstSync(page);

    await page.locator('[data-testid=sidebar] a', { hasText: 'Catalog' }).click();
    await page.waitForURL('**/catalog');
    const rows = page.getByTestId('product-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(25);
    await page.getByTestId('catalog-more').click();
    await expect.poll(() => rows.count(), poll).toBe(30);
    expect(await page.getByTestId('catalog-more').count()).toBe(0);
    expect(await page.locator('[data-testid=product-listing-store][data-store="Commerce shop"]').count()).toBe(30);

    // Search by one SKU: exactly its product; the drawer shows its variants, stock and listings.
    const product = [...emulator.shop(shop.shop).products.values()][7];
    const variant = product?.variants[0];
    if (!product || !variant) throw new Error('the emulated shop has no products');
    await page.getByTestId('catalog-search').fill(variant.sku);
    await expect.poll(() => rows.count(), poll).toBe(1);
    expect(await rows.first().textContent()).toContain(product.title);
    await rows.first().click();
    const drawer = page.getByTestId('product-drawer');
    await drawer.getByTestId('variant-row').first().waitFor();
    expect(await drawer.getByTestId('variant-row').count()).toBe(product.variants.length);
    expect(await drawer.getByTestId('listing-row').count()).toBe(product.variants.length);
    expect(await drawer.getByTestId('variant-stock').first().textContent()).toMatch(/^Commerce shop: \d+$/);
    await dashboard.screenshot(page, 'catalog-drawer-light.png');
    await page.keyboard.press('Escape');

    await page.getByTestId('catalog-search').fill('');
    await page.getByTestId('catalog-filter-status').selectOption('draft');
    const drafts = [...emulator.shop(shop.shop).products.values()].filter((p) => p.status === 'draft').length;
    await expect.poll(() => page.getByTestId('product-row').count(), poll).toBe(drafts);
    await page.getByTestId('catalog-filter-status').selectOption('');
    await page.getByTestId('catalog-filter-channel').selectOption('shopify');
    await expect.poll(() => rows.count(), poll).toBe(25);
    await dashboard.screenshot(page, 'catalog-light.png');
  });

  it('lists every order of the shop with its totals, and an order with its lines', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/orders');
    const rows = page.getByTestId('order-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBe(emulator.shop(shop.shop).orders.size);
    expect(await page.getByTestId('orders-summary-count').textContent()).toBe(`${emulator.shop(shop.shop).orders.size} orders`);
    const first = [...emulator.shop(shop.shop).orders.values()].at(-1);
    if (!first) throw new Error('the emulated shop has no orders');
    await page.getByTestId('orders-search').fill(String(first.number));
    await expect.poll(() => rows.count(), poll).toBe(1);
    await rows.first().click();
    const drawer = page.getByTestId('order-drawer');
    await drawer.getByTestId('order-line').first().waitFor();
    expect(await drawer.getByTestId('order-line').count()).toBe(first.lines.length);
    expect(await drawer.getByTestId('order-total').textContent()).toBe(await rows.first().getByTestId('order-row-total').textContent());
    await dashboard.screenshot(page, 'order-drawer-light.png');
    await page.keyboard.press('Escape');
    await page.getByTestId('orders-search').fill('');
    await expect.poll(() => rows.count(), poll).toBe(emulator.shop(shop.shop).orders.size);
    await dashboard.screenshot(page, 'orders-light.png');
  });

  it('sync now reads the orders placed since, and the Stores page follows its job to the end', async () => {
    const before = emulator.shop(shop.shop).orders.size;
    emulator.generateOrders(shop.shop, 3);
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/stores');
    const row = storeRow(page);
    await row.getByTestId('store-sync').click();
    const progress = row.getByTestId('store-sync-progress');
    await progress.waitFor();
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 30_000 }).toBe('completed');
    expect(await row.getByTestId('store-sync-result').textContent()).toMatch(/products, 3 orders read$/);
    await dashboard.screenshot(page, 'stores-sync-now-light.png');
    await row.getByTestId('store-sync-job').click();
    const drawer = page.getByTestId('job-drawer');
    await drawer.getByTestId('job-status').waitFor();
    expect(await drawer.getByTestId('job-status').getAttribute('data-status')).toBe('completed');
    await page.keyboard.press('Escape');

    await page.locator('[data-testid=sidebar] a', { hasText: 'Orders' }).click();
    await page.waitForURL('**/orders');
    await expect.poll(() => page.getByTestId('order-row').count(), poll).toBe(before + 3);
  });

  it('speaks Brazilian Portuguese, in the dark', async () => {
    const page = await dashboard.newPage({ locale: 'pt-BR', colorScheme: 'dark' });
    await page.goto('/catalog');
    await page.getByTestId('product-row').first().waitFor();
    expect(await documentState(page)).toEqual({ dark: true, lang: 'pt-BR' });
    expect(await page.locator('h1').textContent()).toBe('Catálogo');
    await dashboard.screenshot(page, 'catalog-dark-pt.png');
    await page.goto('/orders');
    await page.getByTestId('order-row').first().waitFor();
    expect(await page.locator('h1').textContent()).toBe('Pedidos');
    await page.getByTestId('order-row').first().click();
    await page.getByTestId('order-drawer').getByTestId('order-line').first().waitFor();
    await dashboard.screenshot(page, 'order-drawer-dark-pt.png');
    await page.keyboard.press('Escape');
    await dashboard.screenshot(page, 'orders-dark-pt.png');
    await page.goto('/stores');
    await storeRow(page).waitFor();
    expect(await storeRow(page).getByTestId('store-sync').textContent()).toBe('Sincronizar agora');
  });
});

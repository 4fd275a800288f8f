import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/emulator.ts';
import { documentState, skipBrowserTests, useDashboard } from './browser.ts';

const clientId = 'nexo-browser-app';
const clientSecret = 'shpss_browser_test_app_secret_0001';
const mlAppId = '5550001112';
const mlAppSecret = 'ml-browser-test-app-secret';

describe.skipIf(skipBrowserTests)('stores page', () => {
  // The emulator runs in this process on loopback; the server is pointed at it before it starts (hooks run in order).
  let emulator: Emulator;
  const env: Record<string, string> = { SHOPIFY_CLIENT_ID: clientId, SHOPIFY_CLIENT_SECRET: clientSecret };
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'stores-browser' });
    await emulator.listen(0, '127.0.0.1');
    emulator.createShop({ platform: 'shopify', shop: 'browser-shop.myshopify.com', products: 8, orders: 3, clientId, clientSecret });
    env.SHOPIFY_API_BASE_URL = `${emulator.url}/shopify/{shop}`;
    const seller = emulator.createShop({
      platform: 'mercadolivre',
      shop: 'browser-seller',
      products: 4,
      orders: 2,
      clientId: mlAppId,
      clientSecret: mlAppSecret,
    });
    Object.assign(env, {
      MERCADOLIVRE_CLIENT_ID: mlAppId,
      MERCADOLIVRE_CLIENT_SECRET: mlAppSecret,
      MERCADOLIVRE_API_BASE_URL: seller.baseUrl,
      MERCADOLIVRE_AUTH_BASE_URL: seller.baseUrl,
    });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const dashboard = useDashboard({ env });

  it('connects an emulated Shopify store through OAuth, lists it with its health and shows the capability matrix', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/');
    await page.locator('[data-testid=sidebar] a', { hasText: 'Stores' }).click();
    await page.waitForURL('**/stores');
    await page.getByTestId('stores-empty').waitFor();
    await page.getByTestId('cap-shopify-bulk_operations').waitFor();
    expect(await page.getByTestId('cap-shopify-bulk_operations').textContent()).toBe('Native');

    await page.getByTestId('connect-store').click();
    await page.getByTestId('connect-shop').fill('browser-shop.myshopify.com');
    await page.getByTestId('connect-name').fill('Browser shop');
    await dashboard.screenshot(page, 'stores-connect-dialog.png');
    await page.getByTestId('connect-oauth').click();
    // Nexo → the emulated shop's authorize page (approves at once) → Nexo's callback → back to the Stores page.
    await page.waitForURL(/\/stores\?connected=[0-9a-f-]{36}$/);

    const row = page.locator('[data-testid=store-row][data-name="Browser shop"]');
    await row.waitFor();
    expect(await row.getByTestId('store-status').textContent()).toBe('Active');
    expect(await row.getByTestId('store-credentials').textContent()).toBe('Credentials set: accessToken, scopes');
    await row.getByTestId('store-tokens').waitFor();
    expect(await row.getByTestId('store-breaker').textContent()).toBe('Circuit breaker closed');
    await row.getByTestId('store-test').click();
    await row.getByTestId('store-test-result').waitFor();
    expect(await row.getByTestId('store-test-result').textContent()).toMatch(/^Connection OK \(\d+ ms\)$/);
    expect(await page.content()).not.toContain('shpat_');
    await dashboard.screenshot(page, 'stores-light.png');
  });

  it('connects a Mercado Livre seller through OAuth from the same dialog', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/stores');
    await page.getByTestId('connect-store').click();
    await page.getByTestId('connect-channel').selectOption('mercadolivre');
    await page.getByTestId('connect-mercadolivre-name').fill('ML seller');
    await page.getByTestId('connect-mercadolivre-oauth').click();
    // Nexo → ML's authorization page (the emulated seller approves at once) → Nexo's callback → the Stores page.
    await page.waitForURL(/\/stores\?connected=[0-9a-f-]{36}$/);
    const row = page.locator('[data-testid=store-row][data-name="ML seller"]');
    await row.waitFor();
    expect(await row.getByTestId('store-status').textContent()).toBe('Active');
    expect(await row.getByTestId('store-credentials').textContent()).toBe('Credentials set: accessToken, expiresAt, refreshToken, userId');
    expect(await page.content()).not.toMatch(/APP_USR-|TG-[0-9a-f]/);
    await dashboard.screenshot(page, 'stores-mercadolivre-connected.png');
  });

  it('speaks Brazilian Portuguese', async () => {
    const page = await dashboard.newPage({ locale: 'pt-BR', colorScheme: 'dark' });
    await page.goto('/stores');
    const row = page.locator('[data-testid=store-row][data-name="Browser shop"]');
    await row.waitFor();
    expect(await documentState(page)).toEqual({ dark: true, lang: 'pt-BR' });
    expect(await row.getByTestId('store-status').textContent()).toBe('Ativa');
    expect(await page.getByTestId('cap-shopify-bulk_operations').textContent()).toBe('Nativo');
    await dashboard.screenshot(page, 'stores-dark-pt.png');
  });
});

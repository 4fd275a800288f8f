import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/emulator.ts';
import { skipBrowserTests, useDashboard } from './browser.ts';

const partnerId = 2_456_789;
const partnerKey = 'shpk-browser-test-partner-key-0001';

describe.skipIf(skipBrowserTests)('connecting a Shopee shop from the Stores page', () => {
  let emulator: Emulator;
  let shopId = 0;
  const env: Record<string, string> = { SHOPEE_PARTNER_ID: String(partnerId), SHOPEE_PARTNER_KEY: partnerKey };
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'shopee-browser' });
    await emulator.listen(0, '127.0.0.1');
    shopId = emulator.createShop({ platform: 'shopee', shop: 'browser-shopee', products: 6, orders: 2, partnerId, partnerKey }).shopId as number;
    // One emulated shop: the base URL names it (no {shop} template, so the start URL needs no shop).
    env.SHOPEE_API_BASE_URL = `${emulator.url}/shopee/browser-shopee`;
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const dashboard = useDashboard({ env });

  it('authorizes the shop through Shopee and lists it, with Shopee in the capability matrix', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/stores');
    await page.getByTestId('cap-shopee-bulk_operations').waitFor();
    expect(await page.getByTestId('cap-shopee-bulk_operations').textContent()).toBe('Workaround');
    expect(await page.getByTestId('cap-shopee-fulfill_order').textContent()).toBe('Unsupported');
    await page.getByTestId('connect-store').click();
    await page.getByTestId('connect-channel').selectOption('shopee');
    await page.getByTestId('connect-shopee-name').fill('Browser Shopee');
    await dashboard.screenshot(page, 'stores-connect-shopee.png');
    await page.getByTestId('connect-shopee-oauth').click();
    // Nexo → Shopee's signed auth_partner link (the emulator approves at once) → Nexo's callback → Stores.
    await page.waitForURL(/\/stores\?connected=[0-9a-f-]{36}$/);
    const row = page.locator('[data-testid=store-row][data-name="Browser Shopee"]');
    await row.waitFor();
    expect(await row.getByTestId('store-status').textContent()).toBe('Active');
    await row.getByTestId('store-test').click();
    await row.getByTestId('store-test-result').waitFor();
    expect(await row.getByTestId('store-test-result').textContent()).toMatch(/^Connection OK \(\d+ ms\)$/);
    expect(await page.content()).not.toContain(partnerKey);
    expect(shopId).toBeGreaterThan(0);
    await dashboard.screenshot(page, 'stores-shopee-connected.png');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/emulator.ts';
import type { KawayShopCredentials } from '../../src/emulator/kaway/kaway-host.ts';
import { documentState, skipBrowserTests, useDashboard } from './browser.ts';

/** The Kaway flows of the Stores page: the connect wizard (the SSRF rule shown), uploads with row-numbered errors, the stock export. */
describe.skipIf(skipBrowserTests)('Kaway stores in the dashboard', () => {
  let emulator: Emulator;
  let shop: KawayShopCredentials;
  const files: { products: string; badProducts: string; stock: string } = { products: '', badProducts: '', stock: '' };
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'kaway-browser' });
    await emulator.listen(0, '127.0.0.1');
    shop = emulator.createKawayShop({ platform: 'kaway', shop: 'browser-kaway', products: 5, orders: 2, auth: 'none' });
    files.products = await (await fetch(shop.feeds.products.csv)).text();
    files.stock = await (await fetch(shop.feeds.stock.json)).text();
    const lines = files.products.trimEnd().split('\n');
    const price = (lines[0] as string).split(',').indexOf('price');
    const cells = (lines[3] as string).split(',');
    cells[price] = 'twelve';
    lines[3] = cells.join(',');
    files.badProducts = `${lines.join('\n')}\n`;
  });
  afterAll(async () => {
    await emulator?.close();
  });
  // No NEXO_FEED_ALLOWED_ORIGINS: the emulator on loopback is a private address to this server.
  const dashboard = useDashboard();

  it('refuses a private feed URL, connects an upload-only store, shows row-numbered errors, imports good files and links the stock export', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/stores');
    await page.getByTestId('stores-empty').waitFor();
    await page.getByTestId('connect-store').click();
    await page.getByTestId('connect-channel').selectOption('kaway');
    await page.getByTestId('kaway-seller').fill(shop.shop);
    await page.getByTestId('kaway-name').fill('Kaway browser');
    await page.getByTestId('kaway-url-products').fill(shop.feeds.products.csv);
    await page.getByTestId('kaway-save').click();
    const refused = page.getByTestId('connect-dialog').getByTestId('form-error');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/private, loopback or link-local/);
    await dashboard.screenshot(page, 'kaway-connect-refused.png');

    await page.getByTestId('kaway-mode').selectOption('upload');
    await page.getByTestId('kaway-save').click();
    const row = page.locator('[data-testid=store-row][data-name="Kaway browser"]');
    await row.waitFor();
    expect(await row.getByTestId('store-status').textContent()).toBe('Active');

    await row.getByTestId('store-files').click();
    const dialog = page.getByTestId('kaway-files');
    await dialog.getByTestId('feed-file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(files.badProducts) });
    await dialog.getByTestId('feed-upload').click();
    await dialog.getByTestId('feed-errors').waitFor();
    const firstError = dialog.getByTestId('feed-error-row').first();
    expect(await firstError.locator('td').first().textContent()).toBe('4');
    expect(await firstError.locator('td').nth(1).textContent()).toBe('price');
    await dashboard.screenshot(page, 'kaway-upload-errors.png');

    await dialog.getByTestId('feed-file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(files.products) });
    await dialog.getByTestId('feed-upload').click();
    await dialog.getByTestId('feed-result').waitFor();
    expect(await dialog.getByTestId('feed-result').textContent()).toMatch(/^Imported 5 from \d+ rows\.$/);

    await dialog.getByTestId('feed-kind').selectOption('stock');
    await dialog.getByTestId('feed-file').setInputFiles({ name: 'stock.json', mimeType: 'application/json', buffer: Buffer.from(files.stock) });
    await dialog.getByTestId('feed-upload').click();
    await dialog.getByTestId('feed-result').waitFor();
    await dashboard.screenshot(page, 'kaway-upload-done.png');

    const href = await dialog.getByTestId('feed-export-csv').getAttribute('href');
    const exported = await page.request.get(href as string);
    expect(exported.status()).toBe(200);
    expect(exported.headers()['content-disposition']).toMatch(/attachment; filename="kaway-stock-browser-kaway\.csv"/);
    const stockLines = (await exported.text()).trimEnd().split('\n');
    expect(stockLines[0]).toMatch(/^sku,quantity/);
    expect(stockLines.length).toBe(files.products.trimEnd().split('\n').length);
  });

  it('speaks Brazilian Portuguese in the dark', async () => {
    const page = await dashboard.newPage({ locale: 'pt-BR', colorScheme: 'dark' });
    await page.goto('/stores');
    const row = page.locator('[data-testid=store-row][data-name="Kaway browser"]');
    await row.waitFor();
    expect(await documentState(page)).toEqual({ dark: true, lang: 'pt-BR' });
    await row.getByTestId('store-files').click();
    const dialog = page.getByTestId('kaway-files');
    await dialog.getByTestId('feed-file').setInputFiles({ name: 'products.csv', mimeType: 'text/csv', buffer: Buffer.from(files.badProducts) });
    await dialog.getByTestId('feed-upload').click();
    await dialog.getByTestId('feed-errors').waitFor();
    expect(await dialog.getByTestId('feed-upload').textContent()).toBe('Enviar');
    await dashboard.screenshot(page, 'kaway-upload-errors-dark-pt.png');
  });
});

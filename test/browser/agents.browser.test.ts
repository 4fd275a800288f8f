import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmulator, type Emulator } from '../../src/emulator/emulator.ts';
import { api, skipBrowserTests, useDashboard } from './browser.ts';

/** The Agents page: an emulated TikTok Shop store is synced, its agent is run by hand, and its run and tasks show up. */
describe.skipIf(skipBrowserTests)('agents page', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = createEmulator({ seed: 'agents-browser' });
    await emulator.listen(0, '127.0.0.1');
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const dashboard = useDashboard();

  it('lists the agents, runs one now and shows its run, rules with hits and metrics', async () => {
    const page = await dashboard.newPage();
    await page.goto('/');
    const shop = emulator.createShop({ platform: 'tiktokshop', shop: 'agents-browser', products: 20, orders: 8 }) as ReturnType<Emulator['createShop']> &
      Record<string, string>;
    await api(page, 'POST', '/api/stores', {
      platform: 'tiktokshop',
      name: 'Agents TikTok',
      connectorConfig: { apiBaseUrl: shop.baseUrl, authBaseUrl: shop.baseUrl },
      credentials: {
        appKey: shop.clientId,
        appSecret: shop.clientSecret,
        accessToken: shop.accessToken,
        refreshToken: shop.refreshToken,
        shopCipher: shop.shopCipher,
        shopId: shop.shopId,
      },
    });
    for (const deadline = Date.now() + 60_000; ; await page.waitForTimeout(250)) {
      const { stores } = await api<{ stores: Array<{ name: string; lastSyncedAt: string | null }> }>(page, 'GET', '/api/stores');
      if (stores.find((s) => s.name === 'Agents TikTok')?.lastSyncedAt) break;
      if (Date.now() > deadline) throw new Error('the first sync did not finish within 60 s');
    }

    await page.locator('[data-testid=sidebar] a', { hasText: 'Agents' }).click();
    await page.waitForURL('**/agents');
    await page.getByTestId('agents-table').waitFor();
    expect(await page.getByTestId('agent-row').count()).toBe(7);
    const row = page.locator('[data-testid=agent-row][data-agent=marketplace-tiktokshop]');
    expect(await row.textContent()).toContain('Never run');
    await row.getByTestId('agent-open').click();
    const panel = page.locator('[data-testid=agent-panel][data-agent=marketplace-tiktokshop]');
    await panel.waitFor();
    expect(await panel.getByTestId('agent-rule').count()).toBeGreaterThan(3);
    await panel.getByTestId('agent-run-now').click();
    const run = panel.locator('[data-testid=agent-run][data-status=succeeded]');
    await run.waitFor({ timeout: 30_000 });
    const cells = await run.locator('td').allTextContents();
    expect(Number(cells[4])).toBeGreaterThan(0);
    await expect.poll(async () => (await row.getByTestId('agent-run-status').getAttribute('data-status')) ?? '', { timeout: 15_000 }).toBe('succeeded');
    await expect.poll(async () => Number((await row.locator('td').nth(4).textContent()) ?? 0), { timeout: 15_000 }).toBeGreaterThan(0);
    await dashboard.screenshot(page, 'agents.png');

    // Its tasks wait in the approval queue.
    const { tasks } = await api<{ tasks: Array<{ createdBy: string; status: string }> }>(
      page,
      'GET',
      '/api/orchestration/tasks?createdBy=marketplace-tiktokshop&limit=100',
    );
    expect(tasks.length).toBe(Number(cells[4]));
    expect(new Set(tasks.map((t) => t.status))).toEqual(new Set(['awaiting_approval']));
  });
});

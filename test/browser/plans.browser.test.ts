import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { skipBrowserTests, useDashboard } from './browser.ts';

const csv = join(import.meta.dirname, '..', 'fixtures', 'plans', 'report.csv');

describe.skipIf(skipBrowserTests)('plans: upload a report, watch the plan, approve it, find Phase 1 in the approval queue', () => {
  const dashboard = useDashboard();

  it('uploads a CSV for Shopee, the plan reaches ready live, approval creates the Phase 1 tasks awaiting approval', async () => {
    const page = await dashboard.newPage();
    await page.goto('/plans');
    await page.getByTestId('plans-empty').waitFor();
    await page.getByTestId('plan-file').setInputFiles(csv);
    await page.getByTestId('plan-channel-amazon').uncheck();
    await page.getByTestId('plan-channel-shopee').check();
    await page.getByTestId('plan-upload-submit').click();

    // The drawer opens on the new plan; the list follows its states through the event stream.
    const drawer = page.getByTestId('plan-drawer');
    await page.locator('[data-testid=plan-row]').first().waitFor();
    await page.locator('[data-testid=plan-row][data-status=ready]').waitFor({ timeout: 30_000 });
    await drawer.getByTestId('plan-decision').waitFor();
    expect(await drawer.getByTestId('plan-mode').textContent()).toContain('deterministic rules');
    expect(await drawer.getByTestId('plan-opportunities').textContent()).toContain('SKU-1');
    expect(await drawer.locator('[data-testid=plan-phase]').count()).toBe(3);
    const phase1 = (await drawer.locator('[data-testid=plan-phase][data-number="1"] li').allTextContents()).length;
    expect(phase1).toBeGreaterThan(0);
    await dashboard.screenshot(page, 'plan-ready.png');

    await drawer.getByTestId('plan-approve').click();
    await drawer.locator('[data-testid=plan-status][data-status=tasks_created]').waitFor({ timeout: 30_000 });
    await drawer.getByTestId('plan-tasks').waitFor();
    const titles = (await drawer.locator('[data-testid=plan-task] a').allTextContents()).map((s) => s.trim());
    expect(titles.length).toBe(phase1);
    expect(await drawer.getByTestId('plan-timeline').textContent()).toContain('plans.create-tasks');
    await dashboard.screenshot(page, 'plan-tasks-created.png');
    expect(await page.locator('[data-testid=plan-row][data-status=tasks_created]').count()).toBe(1);

    // The Phase 1 tasks wait in the approval queue, under Shopee.
    await drawer.locator('[data-testid=plan-task] a').first().click();
    await page.waitForURL('**/tasks');
    const shopee = page.locator('[data-testid=queue-group][data-marketplace=shopee]');
    await shopee.waitFor();
    expect(await shopee.locator('[data-testid=queue-task]').count()).toBe(titles.length);
    const queued = await shopee.locator('[data-testid=queue-task]').allTextContents();
    for (const title of titles) expect(queued.some((text) => text.includes(title))).toBe(true);
    await dashboard.screenshot(page, 'plan-approval-queue.png');
  });

  it('refuses a file that is not a report, in the viewer’s language, and creates no plan', async () => {
    const page = await dashboard.newPage({ locale: 'pt-BR' });
    await page.goto('/plans');
    await page.getByTestId('plan-upload').waitFor();
    // The plan of the first test is listed.
    await page.locator('[data-testid=plan-row]').first().waitFor();
    const before = await page.locator('[data-testid=plan-row]').count();
    await page.getByTestId('plan-file').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]) });
    await page.getByTestId('plan-upload-submit').click();
    await page.getByTestId('plan-upload-error').waitFor();
    expect(await page.getByTestId('plan-upload-error').textContent()).toContain('Tipo de arquivo não suportado');
    expect(await page.locator('[data-testid=plan-row]').count()).toBe(before);
    await dashboard.screenshot(page, 'plan-upload-refused-pt.png');
  });
});

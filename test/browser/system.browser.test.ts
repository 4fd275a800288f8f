import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentState, skipBrowserTests, useDashboard } from './browser.ts';

describe.skipIf(skipBrowserTests)('system status page', () => {
  const dashboard = useDashboard();

  it('shows database and queue ready, and a test event arrives over SSE', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/');
    await page.getByTestId('dashboard-system-link').click();
    await page.waitForURL('**/system');

    await page.locator('[data-testid=readiness-status][data-status=ready]').waitFor();
    expect(await page.getByTestId('check-database').getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('check-queue').getAttribute('data-status')).toBe('ready');
    expect(await page.getByTestId('check-database').textContent()).toContain('Ready');
    await page
      .getByTestId('info-version')
      .filter({ hasText: /\d+\.\d+\.\d+/ })
      .waitFor();

    await page.locator('[data-testid=stream-state][data-state=live]').waitFor();
    const message = `browser test ${randomUUID()}`;
    await page.getByTestId('test-event-message').fill(message);
    await page.getByTestId('send-test-event').click();

    const event = page.getByTestId('event-item').filter({ hasText: message });
    await event.waitFor();
    expect(await event.getAttribute('data-type')).toBe('system.test');
    expect(await page.getByTestId('event-item').first().textContent()).toContain(message);
    await dashboard.screenshot(page, 'system-light.png');
  });

  it('follows a dark OS preference by default', async () => {
    const page = await dashboard.newPage({ colorScheme: 'dark' });
    await page.goto('/system');
    await page.locator('[data-testid=readiness-status][data-status=ready]').waitFor();
    await page.locator('[data-testid=stream-state][data-state=live]').waitFor();
    expect((await documentState(page)).dark).toBe(true);

    await page.getByTestId('send-test-event').click();
    await page.getByTestId('event-item').first().waitFor();
    await dashboard.screenshot(page, 'system-dark.png');
  });
});

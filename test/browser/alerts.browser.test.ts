import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/lib/standard-webhooks.ts';
import { type HttpReceiver, startHttpReceiver } from '../helpers/http-receiver.ts';
import { api, owner, skipBrowserTests, useDashboard } from './browser.ts';

describe.skipIf(skipBrowserTests)('Settings → Notifications and → Alerts', () => {
  const dashboard = useDashboard({ env: { NEXO_ALLOW_PRIVATE_WEBHOOKS: '1' } });
  let receiver: HttpReceiver;

  beforeAll(async () => {
    receiver = await startHttpReceiver();
  });
  afterAll(async () => receiver?.close());

  it('adds a webhook channel (secret shown once), sends a test, sees it in the delivery log, and edits a rule threshold', async () => {
    const page = await dashboard.newPage();
    await page.goto('/settings');
    await page.getByTestId('settings-nav-notifications').click();
    await page.waitForURL('**/settings/notifications');
    await page.getByTestId('channels-empty').waitFor();

    // A failing receiver: the channel is refused with the reason and not saved.
    receiver.failNext(500);
    await page.getByTestId('add-channel').click();
    const dialog = page.getByTestId('add-channel-dialog');
    await dialog.getByTestId('channel-type').selectOption('webhook');
    await dialog.getByTestId('channel-name').fill('Ops receiver');
    await dialog.getByTestId('channel-url').fill(`${receiver.url}/nexo`);
    await dialog.getByTestId('channel-save').click();
    const refused = dialog.getByTestId('form-error');
    await refused.waitFor();
    expect(await refused.textContent()).toContain('HTTP 500');
    await dashboard.screenshot(page, 'notifications-refused.png');

    await dialog.getByTestId('channel-save').click();
    const secretDialog = page.getByTestId('channel-secret-dialog');
    await secretDialog.waitFor();
    const secret = (await secretDialog.getByTestId('channel-secret').textContent()) ?? '';
    expect(secret).toMatch(/^whsec_/);
    await dashboard.screenshot(page, 'notifications-secret.png');
    await secretDialog.getByTestId('channel-secret-done').click();
    await secretDialog.waitFor({ state: 'hidden' });
    expect(await page.content()).not.toContain(secret);

    const row = page.locator('[data-testid=channel-row][data-name="Ops receiver"]');
    await row.waitFor();
    await row.getByTestId('channel-test').click();
    expect(await row.getByTestId('channel-test-result').textContent()).toBe('Test delivered.');
    const tests = receiver.requests.filter((r) => r.status === 200 && r.body.includes('"test"'));
    expect(tests.length).toBe(2);
    for (const r of tests) expect(verifyWebhook(secret, r.headers, r.body)).toBe(true);

    await row.getByTestId('channel-log').click();
    const log = page.getByTestId('delivery-log');
    await log.waitFor();
    await log.locator('[data-testid=delivery-row][data-status=delivered]').nth(1).waitFor();
    expect(await log.locator('[data-testid=delivery-row]').count()).toBe(2);
    expect(await log.textContent()).toContain('Delivered');
    await dashboard.screenshot(page, 'notifications-delivery-log.png');
    await page.keyboard.press('Escape');

    // Settings → Alerts: change a threshold and route the rule to the new channel.
    await page.getByTestId('settings-nav-alerts').click();
    await page.waitForURL('**/settings/alerts');
    const rule = page.locator('[data-testid=alert-rule-row][data-kind=tasks_awaiting_approval]');
    await rule.waitFor();
    expect(await rule.getByTestId('rule-threshold').inputValue()).toBe('500');
    await rule.getByTestId('rule-threshold').fill('250');
    await rule.locator('[data-testid=rule-channel][data-channel="Ops receiver"]').check();
    await rule.getByTestId('rule-save').click();
    await rule.getByTestId('rule-saved').waitFor();
    await page.getByTestId('alerts-none').waitFor();
    await dashboard.screenshot(page, 'alerts-settings.png');

    await page.reload();
    const reloaded = page.locator('[data-testid=alert-rule-row][data-kind=tasks_awaiting_approval]');
    await reloaded.waitFor();
    expect(await reloaded.getByTestId('rule-threshold').inputValue()).toBe('250');
    expect(await reloaded.locator('[data-testid=rule-channel][data-channel="Ops receiver"]').isChecked()).toBe(true);
  });

  it('"Check now" opens an alert for a breached rule; acknowledging it keeps it listed as acknowledged', async () => {
    const page = await dashboard.newPage();
    await page.goto('/settings/alerts');
    await api(page, 'POST', '/api/orchestration/tasks', {
      marketplace: 'amazon',
      title: 'Waiting for a decision',
      description: 'Browser alert test',
      category: 'optimization',
      priority: 'high',
      estimatedHours: 1,
      createdBy: owner.email,
      submit: true,
    });
    const rule = page.locator('[data-testid=alert-rule-row][data-kind=tasks_awaiting_approval]');
    await rule.getByTestId('rule-threshold').fill('0');
    await rule.getByTestId('rule-save').click();
    await rule.getByTestId('rule-saved').waitFor();
    await page.getByTestId('alerts-evaluate').click();
    const alert = page.locator('[data-testid=alert-row][data-kind=tasks_awaiting_approval]');
    await alert.waitFor({ timeout: 20_000 });
    expect(await alert.textContent()).toContain('Tasks awaiting approval: 1 (threshold 0)');
    expect(await rule.getByTestId('rule-last-value').textContent()).toBe('1 tasks');
    await dashboard.screenshot(page, 'alerts-open.png');
    await alert.getByTestId('alert-acknowledge').click();
    await alert.getByTestId('alert-acknowledged').waitFor();
    expect(await alert.getAttribute('data-status')).toBe('acknowledged');
    // The webhook channel chosen for the rule got the opening, signed.
    const opened = await receiver.waitFor((r) => r.body.includes('"alert.opened"'), 15_000);
    expect(JSON.parse(opened.body).data.kind).toBe('tasks_awaiting_approval');
  });

  it('shows the pages in Portuguese', async () => {
    const page = await dashboard.newPage({ locale: 'pt-BR' });
    await page.goto('/settings/alerts');
    await page.getByTestId('alert-rules-table').waitFor();
    expect(await page.getByTestId('settings-alerts').textContent()).toContain('Tarefas aguardando aprovação');
    await page.goto('/settings/notifications');
    await page.getByTestId('channels-table').waitFor();
    expect(await page.getByTestId('settings-notifications').textContent()).toContain('Registro de entregas');
    await dashboard.screenshot(page, 'notifications-pt-br.png');
  });
});

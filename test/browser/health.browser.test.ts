import { describe, expect, it } from 'vitest';
import { documentState, skipBrowserTests, useDashboard } from './browser.ts';

const AGENT_TOKEN = 'marketplace-amazon-browser-health-token';

describe.skipIf(skipBrowserTests)('health page', () => {
  // A tiny approval threshold (0.00002 days = 1.7 s): a task the agent submits becomes a real stuck pattern seconds later.
  const dashboard = useDashboard({ env: { MARKETPLACE_AMAZON_TOKEN: AGENT_TOKEN, NEXO_STUCK_APPROVAL_DAYS: '0.00002' } });

  const submitTask = async () => {
    const res = await fetch(`${dashboard.url}/api/orchestration/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${AGENT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        marketplace: 'amazon',
        title: 'Shorten the titles of the top listings',
        description: 'Titles exceed 200 characters',
        category: 'optimization',
        priority: 'high',
        estimatedHours: 2,
        createdBy: 'marketplace-amazon',
        submit: true,
      }),
    });
    expect(res.status).toBe(201);
  };

  it('shows a stuck task approval with its recommendation, the queue, the database and honest empty sections', async () => {
    await submitTask();
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/');
    await page.locator('[data-testid=sidebar] a', { hasText: 'Health' }).click();
    await page.waitForURL('**/health');

    const pattern = page.getByTestId('pattern-task_approval_overdue');
    await pattern.waitFor({ timeout: 20_000 });
    expect(await pattern.textContent()).toContain('Approvals overdue');
    expect(await pattern.getByTestId('pattern-recommendation').textContent()).toMatch(/Recommendation: 1 task\(s\) have been awaiting approval too long/);
    expect(await page.getByTestId('health-overall').getAttribute('data-status')).toBe('degraded');
    // Nothing to fix automatically for this one: no "Fix now" button.
    expect(await pattern.getByTestId('pattern-fix').count()).toBe(0);

    expect(await page.getByTestId('health-queue-depth').textContent()).toMatch(/^\d+$/);
    // A flat line (constant depth) has an empty bounding box, so wait for it in the DOM, not for "visible".
    const line = page.locator('[data-testid=queue-depth-chart] .recharts-line path').first();
    await line.waitFor({ state: 'attached', timeout: 20_000 });
    expect(await line.getAttribute('d')).toMatch(/^M[\d.,-]+[LC]/);
    expect(await page.getByTestId('health-database').textContent()).toContain('Healthy');
    expect(await page.getByTestId('health-breakers').textContent()).toContain('No circuit breakers to show.');
    expect(await page.getByTestId('health-alerts').textContent()).toContain('No open alerts.');
    expect(await page.getByTestId('detector-plan_without_phase1').textContent()).toContain('Watching');
    expect(await page.getByTestId('detector-agent_silent').textContent()).toContain('Threshold: 1 d');
    await dashboard.screenshot(page, 'health-light.png');
  });

  it('speaks Brazilian Portuguese', async () => {
    const page = await dashboard.newPage({ locale: 'pt-BR', colorScheme: 'dark' });
    await page.goto('/health');
    const pattern = page.getByTestId('pattern-task_approval_overdue');
    await pattern.waitFor({ timeout: 20_000 });
    expect(await documentState(page)).toEqual({ dark: true, lang: 'pt-BR' });
    expect(await pattern.textContent()).toContain('Aprovações atrasadas');
    expect(await pattern.getByTestId('pattern-recommendation').textContent()).toMatch(/Recomendação: 1 tarefa\(s\) aguardam aprovação/);
    expect(await page.getByTestId('health-alerts').textContent()).toContain('Nenhum alerta aberto.');
    expect(await page.getByTestId('detector-queue_backlog').textContent()).toContain('Limite: 5 min');
    // A flat line (constant depth) has an empty bounding box, so wait for it in the DOM, not for "visible".
    const line = page.locator('[data-testid=queue-depth-chart] .recharts-line path').first();
    await line.waitFor({ state: 'attached', timeout: 20_000 });
    expect(await line.getAttribute('d')).toMatch(/^M[\d.,-]+[LC]/);
    await dashboard.screenshot(page, 'health-dark-pt-br.png');
  });
});

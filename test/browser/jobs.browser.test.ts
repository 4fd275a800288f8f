import { describe, expect, it } from 'vitest';
import { api, skipBrowserTests, useDashboard } from './browser.ts';

interface JobRun {
  id: string;
  status: string;
}

describe.skipIf(skipBrowserTests)('jobs page: live runs, log timeline, dead letters and replay', () => {
  const dashboard = useDashboard();

  async function waitStatus(page: Parameters<typeof api>[0], id: string, status: string) {
    await expect.poll(async () => (await api<{ job: JobRun }>(page, 'GET', `/api/jobs/${id}`)).job.status, { timeout: 15_000, interval: 200 }).toBe(status);
  }

  it('shows a job going dead live, its log timeline, and replays it from the dead-letter tab until it completes', async () => {
    const page = await dashboard.newPage();
    await page.goto('/jobs');
    await page.getByTestId('jobs-page').waitFor();
    await page.getByTestId('jobs-empty').waitFor();

    // Created while the page is open: the row appears and turns dead by itself (live event stream, no reload).
    const dead = (await api<{ job: JobRun }>(page, 'POST', '/api/jobs/probe', { failAttempts: 1, sleepMs: 300 })).job;
    const ok = (await api<{ job: JobRun }>(page, 'POST', '/api/jobs/probe', {})).job;
    const deadRow = page.locator(`[data-testid=job-row][data-job-id="${dead.id}"]`);
    await deadRow.locator('[data-testid=job-status][data-status=dead]').waitFor();
    await page.locator(`[data-testid=job-row][data-job-id="${ok.id}"] [data-testid=job-status][data-status=completed]`).waitFor();
    expect(await deadRow.textContent()).toContain('probe told to fail attempt 1');
    await expect.poll(() => page.getByTestId('jobs-dead-count').textContent()).toBe('1');

    // Status filter: only the dead run.
    await page.getByTestId('job-status-chip-dead').click();
    await expect.poll(() => page.getByTestId('job-row').count()).toBe(1);
    await page.getByTestId('job-status-chip-dead').click();

    // The drawer: facts, last error and the log timeline.
    await deadRow.locator('button').first().click();
    const drawer = page.getByTestId('job-drawer');
    await drawer.getByTestId('job-timeline').waitFor();
    await expect
      .poll(() => drawer.getByTestId('job-log').allTextContents())
      .toEqual([
        expect.stringContaining('attempt 1 started'),
        expect.stringContaining('probe started'),
        expect.stringContaining('retries exhausted: moved to the dead-letter queue'),
      ]);
    expect(await drawer.getByTestId('job-last-error').textContent()).toContain('probe told to fail attempt 1');
    expect(await drawer.getByTestId('job-cancel').isDisabled()).toBe(true);
    await dashboard.screenshot(page, 'jobs-drawer-dead.png');
    await page.keyboard.press('Escape');

    // Dead-letter tab: select it and replay; the run completes on attempt 2.
    await page.getByTestId('jobs-tab-dead').click();
    const deadTab = page.getByTestId('jobs-dead');
    await deadTab.locator(`[data-testid=job-row][data-job-id="${dead.id}"]`).waitFor();
    await dashboard.screenshot(page, 'jobs-dead-letters.png');
    await deadTab.getByTestId('job-select').check();
    await page.getByTestId('jobs-replay-selected').click();
    await page.getByTestId('jobs-replayed').waitFor();
    await waitStatus(page, dead.id, 'completed');
    await deadTab.getByTestId('jobs-empty').waitFor();
    await expect.poll(() => page.getByTestId('jobs-dead-count').count()).toBe(0);

    await page.getByTestId('jobs-tab-all').click();
    const row = page.locator(`[data-testid=job-row][data-job-id="${dead.id}"]`);
    await row.locator('[data-testid=job-status][data-status=completed]').waitFor();
    expect(await row.textContent()).toContain('2/2');
    await row.locator('button').first().click();
    await expect
      .poll(() => page.getByTestId('job-drawer').getByTestId('job-log').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('replayed by owner@nexo.test'), expect.stringContaining('attempt 2 started')]));
    await dashboard.screenshot(page, 'jobs-drawer-replayed.png');
  });

  it('cancels a queued run from the drawer, in Portuguese', async () => {
    const page = await dashboard.newPage({ locale: 'pt-BR' });
    const queued = (await api<{ job: JobRun }>(page, 'POST', '/api/jobs/probe', { startAfterSeconds: 3600 })).job;
    await page.goto('/jobs');
    const row = page.locator(`[data-testid=job-row][data-job-id="${queued.id}"]`);
    await row.locator('[data-testid=job-status][data-status=queued]').waitFor();
    expect(await row.getByTestId('job-status').textContent()).toBe('Na fila');
    await row.locator('button').first().click();
    await page.getByTestId('job-cancel').click();
    await row.locator('[data-testid=job-status][data-status=cancelled]').waitFor();
    // The drawer refetches its run on its own schedule: wait for it rather than read it at once.
    const drawerStatus = page.getByTestId('job-drawer').locator('[data-testid=job-status][data-status=cancelled]');
    await drawerStatus.waitFor();
    expect(await drawerStatus.textContent()).toBe('Cancelado');
    await dashboard.screenshot(page, 'jobs-pt-br-cancelled.png');
  });
});

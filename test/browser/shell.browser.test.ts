import { describe, expect, it } from 'vitest';
import { documentState, sidebarLabels, skipBrowserTests, useDashboard } from './browser.ts';

const englishAreas = [
  'Dashboard',
  'Tasks',
  'Plans',
  'Agents',
  'Jobs',
  'Stores',
  'Catalog',
  'Inventory',
  'Orders',
  'Analytics',
  'Health',
  'Settings',
  'System status',
];

describe.skipIf(skipBrowserTests)('dashboard shell', () => {
  const dashboard = useDashboard();

  it('loads at /, lists every area in the sidebar and shows a coming-soon card for unbuilt areas', async () => {
    const page = await dashboard.newPage();
    await page.goto('/');
    await page.getByTestId('dashboard-page').waitFor();
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    expect(await page.getByRole('main').count()).toBe(1);
    expect(await sidebarLabels(page)).toEqual(englishAreas);
    expect(await page.title()).toBe('Dashboard · Nexo');

    await page.getByTestId('nav-inventory').click();
    await page.waitForURL('**/inventory');
    const card = page.getByTestId('coming-soon');
    await card.waitFor();
    expect(await card.getAttribute('data-area')).toBe('inventory');
    expect(await card.textContent()).toContain('Coming soon');
    expect(await card.textContent()).toContain('oversell protection');
    expect(await page.getByTestId('nav-inventory').getAttribute('data-status')).toBe('active');
    await dashboard.screenshot(page, 'inventory-coming-soon.png');

    // A deep link is served by the SPA fallback; an unknown route gets the client 404 page.
    await page.goto('/analytics');
    expect(await page.getByTestId('coming-soon').getAttribute('data-area')).toBe('analytics');
    await page.goto('/no/such/page');
    await page.getByTestId('not-found').waitFor();
    expect(await page.getByTestId('not-found').textContent()).toContain('/no/such/page');
  });

  it('switches the language to Português, and the choice survives a reload', async () => {
    const page = await dashboard.newPage({ locale: 'en-US' });
    await page.goto('/');
    await page.getByTestId('dashboard-page').waitFor();
    expect((await documentState(page)).lang).toBe('en');
    expect(await page.getByTestId('nav-tasks').textContent()).toBe('Tasks');

    await page.getByTestId('language-menu').click();
    await page.getByTestId('language-pt-BR').click();
    await page.getByTestId('nav-tasks').filter({ hasText: 'Tarefas' }).waitFor();
    expect((await documentState(page)).lang).toBe('pt-BR');

    await page.reload();
    await page.getByTestId('dashboard-page').waitFor();
    expect((await documentState(page)).lang).toBe('pt-BR');
    expect(await sidebarLabels(page)).toContain('Status do sistema');
    expect(await page.getByTestId('dashboard-system-link').textContent()).toContain('Status do sistema');
    await dashboard.screenshot(page, 'dashboard-pt.png');
  });

  it('defaults to Portuguese when the browser language is Portuguese', async () => {
    const page = await dashboard.newPage({ locale: 'pt-PT' });
    await page.goto('/inventory');
    await page.getByTestId('coming-soon').waitFor();
    expect((await documentState(page)).lang).toBe('pt-BR');
    expect(await page.getByTestId('coming-soon').textContent()).toContain('Em breve');
  });

  it('toggles the dark theme, puts `dark` on <html> and remembers it', async () => {
    const page = await dashboard.newPage({ colorScheme: 'light' });
    await page.goto('/');
    await page.getByTestId('dashboard-page').waitFor();
    expect((await documentState(page)).dark).toBe(false);

    await page.getByTestId('theme-menu').click();
    await page.getByTestId('theme-dark').click();
    await page.waitForFunction(() => document.documentElement.classList.contains('dark'));

    await page.reload();
    await page.getByTestId('dashboard-page').waitFor();
    expect((await documentState(page)).dark).toBe(true);
    await dashboard.screenshot(page, 'dashboard-dark.png');

    // Back to "system": follows the (light) OS preference again.
    await page.getByTestId('theme-menu').click();
    await page.getByTestId('theme-system').click();
    await page.waitForFunction(() => !document.documentElement.classList.contains('dark'));
  });
});

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { totpCode } from '../../src/lib/totp.ts';
import { api, owner, sidebarLabels, skipBrowserTests, useDashboard } from './browser.ts';

interface InviteResponse {
  inviteUrl: string;
  emailed: boolean;
}

/** Fills the login form and submits it. */
async function submitLogin(page: Page, email: string, password: string) {
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe.skipIf(skipBrowserTests)('identity: login, tokens, members, audit, roles', () => {
  const dashboard = useDashboard();

  it('sends a signed-out visitor to /login, refuses a wrong password, then returns to the page asked for', async () => {
    const page = await dashboard.newPage({ signIn: false });
    await page.goto('/settings/tokens');
    await page.waitForURL(/\/login\?redirect=/);
    await page.getByTestId('login-card').waitFor();
    expect(await page.title()).toBe('Sign in to Nexo · Nexo');

    await submitLogin(page, owner.email, 'not the right password');
    const error = page.getByTestId('form-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('Wrong e-mail or password.');
    await dashboard.screenshot(page, 'login-error.png');

    await page.getByTestId('login-password').fill(owner.password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL('**/settings/tokens');
    await page.getByTestId('settings-tokens').waitFor();
    expect(await page.getByTestId('user-email').textContent()).toBe(owner.email);
    expect(await page.getByTestId('current-role').textContent()).toBe('Owner');
  });

  it('lands on the dashboard after a plain login', async () => {
    const page = await dashboard.newPage({ signIn: false });
    await page.goto('/login');
    await submitLogin(page, owner.email, owner.password);
    await page.getByTestId('dashboard-page').waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
  });

  it('creates an agent token, shows its secret once, then revokes it', async () => {
    const page = await dashboard.newPage();
    await page.goto('/settings');
    await page.getByTestId('settings-nav-tokens').click();
    await page.waitForURL('**/settings/tokens');

    await page.getByTestId('create-token').click();
    const dialog = page.getByTestId('create-token-dialog');
    await dialog.getByTestId('token-name').fill('Amazon agent (browser test)');
    await dialog.getByTestId('token-kind').selectOption('agent');
    await dialog.getByTestId('token-agent').selectOption('marketplace-amazon');
    await dialog.getByTestId('token-create-submit').click();

    const secretDialog = page.getByTestId('token-secret-dialog');
    await secretDialog.waitFor();
    const secret = (await secretDialog.getByTestId('token-secret').textContent()) ?? '';
    expect(secret).toMatch(/^nexo_agt_/);
    expect(await secretDialog.getByTestId('token-secret-warning').textContent()).toContain('won’t see it again');
    await dashboard.screenshot(page, 'token-secret.png');
    await secretDialog.getByTestId('token-secret-done').click();
    await secretDialog.waitFor({ state: 'hidden' });

    // Once closed, the secret is nowhere on the page; the table shows only its prefix.
    const row = page.locator('[data-testid=token-row][data-name="Amazon agent (browser test)"]');
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await row.textContent()).toContain('Amazon');
    expect(await row.getByTestId('token-last-used').textContent()).toBe('Never');
    expect(await row.getAttribute('data-status')).toBe('active');
    await dashboard.screenshot(page, 'tokens.png');

    await row.getByTestId('token-revoke').click();
    await page.getByTestId('token-revoke-dialog-confirm').click();
    await page.locator('[data-testid=token-row][data-name="Amazon agent (browser test)"][data-status=revoked]').waitFor();
    expect(await row.getByTestId('token-status').textContent()).toBe('Revoked');
  });

  it('invites a member and shows the invite link', async () => {
    const page = await dashboard.newPage();
    await page.goto('/settings/members');
    await page.locator(`[data-testid=member-row][data-email="${owner.email}"]`).waitFor();

    await page.getByTestId('invite-member').click();
    const dialog = page.getByTestId('invite-dialog');
    await dialog.getByTestId('invite-email').fill('operator@nexo.test');
    await dialog.getByTestId('invite-role').selectOption('operator');
    await dialog.getByTestId('invite-submit').click();

    const url = dialog.getByTestId('invite-url');
    await url.waitFor();
    expect(await url.textContent()).toMatch(/\/invite\/[\w-]{20,}$/);
    expect(await dialog.getByTestId('invite-result').getAttribute('data-emailed')).toBe('false');
    expect(await dialog.getByTestId('invite-emailed').textContent()).toContain('not e-mailed');
    await dashboard.screenshot(page, 'invite-link.png');
    await dialog.getByTestId('invite-done').click();

    await page.locator('[data-testid=invitation-row][data-email="operator@nexo.test"]').waitFor();
    await dashboard.screenshot(page, 'members.png');
  });

  it('lists those actions in the audit log, filters them and expands the changes', async () => {
    const page = await dashboard.newPage();
    await page.goto('/settings/audit');
    for (const action of ['token.created', 'token.revoked', 'member.invited']) {
      await page.locator(`[data-testid=audit-row][data-action="${action}"]`).first().waitFor();
    }
    const created = page.locator('[data-testid=audit-row][data-action="token.created"]').first();
    expect(await created.textContent()).toContain(owner.email);
    await created.getByTestId('audit-expand').click();
    await page.getByTestId('audit-details').first().waitFor();
    await dashboard.screenshot(page, 'audit.png');

    await page.getByTestId('audit-filter-action').fill('member.invited');
    await page.getByTestId('audit-apply').click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid=audit-row]')];
      return rows.length > 0 && rows.every((row) => row.getAttribute('data-action') === 'member.invited');
    });
  });

  it('a viewer joins through an invitation, sees Members read-only and no Tokens or Audit entries', async () => {
    const ownerPage = await dashboard.newPage();
    const invite = await api<InviteResponse>(ownerPage, 'POST', '/api/members/invitations', { email: 'viewer@nexo.test', role: 'viewer' });
    const path = new URL(invite.inviteUrl).pathname;

    const page = await dashboard.newPage({ signIn: false });
    await page.goto(path);
    await page.getByTestId('invite-card').waitFor();
    expect(await page.getByTestId('invite-email').textContent()).toBe('viewer@nexo.test');
    expect(await page.getByTestId('invite-role').textContent()).toBe('Viewer');
    await page.getByTestId('invite-name').fill('Vera Viewer');
    await page.getByTestId('invite-password').fill('quiet harbor lantern 42');
    await page.getByTestId('invite-confirm').fill('quiet harbor lantern 42');
    await dashboard.screenshot(page, 'invite-accept.png');
    await page.getByTestId('invite-accept').click();

    await page.getByTestId('dashboard-page').waitFor();
    expect(await page.getByTestId('current-role').textContent()).toBe('Viewer');
    expect(await sidebarLabels(page)).toContain('Settings');

    await page.getByTestId('nav-settings').click();
    await page.getByTestId('settings-general').waitFor();
    const tabs = await page.locator('[data-testid=settings-nav] a').allTextContents();
    expect(tabs.map((tab) => tab.trim())).toEqual(['General', 'Members', 'Alerts']);
    expect(await page.getByTestId('org-name').isDisabled()).toBe(true);

    await page.getByTestId('settings-nav-members').click();
    await page.getByTestId('members-read-only').waitFor();
    expect(await page.getByTestId('invite-member').count()).toBe(0);
    expect(await page.getByTestId('member-role').count()).toBe(0);
    await dashboard.screenshot(page, 'viewer-members.png');

    // A typed URL shows an honest refusal, not the page.
    await page.goto('/settings/tokens');
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByTestId('tokens-table').count()).toBe(0);
  });

  it('turns on two-factor from the profile, then needs the code to sign in', async () => {
    const credentials = { email: 'twofa@nexo.test', password: 'two factor password 1' };
    const ownerPage = await dashboard.newPage();
    const invite = await api<InviteResponse>(ownerPage, 'POST', '/api/members/invitations', { email: credentials.email, role: 'operator' });
    const token = new URL(invite.inviteUrl).pathname.split('/').pop();
    await api(ownerPage, 'POST', '/api/invitations/accept', { token, name: 'Tomás Two', password: credentials.password });

    const page = await dashboard.newPage({ signIn: credentials });
    await page.goto('/');
    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-menu-profile').click();
    await page.getByTestId('profile-page').waitFor();
    await page.getByTestId('two-factor-start').click();
    await page.getByTestId('two-factor-qr').waitFor();
    const secret = ((await page.getByTestId('two-factor-secret').textContent()) ?? '').replace(/\s/g, '');
    await page.getByTestId('two-factor-code').fill(totpCode(secret, Date.now()));
    await dashboard.screenshot(page, 'two-factor-setup.png');
    await page.getByTestId('two-factor-enable').click();
    await page.getByTestId('recovery-codes').waitFor();
    expect(await page.getByTestId('recovery-code').count()).toBeGreaterThanOrEqual(8);
    await dashboard.screenshot(page, 'two-factor-recovery-codes.png');
    await page.getByTestId('two-factor-finish').click();
    await page.locator('[data-testid=two-factor-card][data-enabled=true]').waitFor();

    // Log out from the user menu, then sign in again: the password alone is not enough.
    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-menu-logout').click();
    await page.waitForURL('**/login');
    await submitLogin(page, credentials.email, credentials.password);
    await page.locator('[data-testid=login-form][data-step=code]').waitFor();
    await page.getByTestId('login-totp').fill(totpCode(secret, Date.now() + 30_000));
    await page.getByTestId('login-submit').click();
    await page.getByTestId('dashboard-page').waitFor();
    expect(await page.getByTestId('user-email').textContent()).toBe(credentials.email);
  });

  it('logs out from the user menu; the app then asks to sign in again', async () => {
    const page = await dashboard.newPage();
    await page.goto('/system');
    await page.getByTestId('system-page').waitFor();
    await page.getByTestId('user-menu').click();
    await page.getByTestId('user-menu-logout').click();
    await page.waitForURL((url) => url.pathname === '/login' && !url.search.includes('redirect'));
    await page.getByTestId('login-card').waitFor();

    await page.goto('/');
    await page.waitForURL('**/login');
    const me = await page.context().request.get('/api/auth/me');
    expect(me.status()).toBe(401);
  });

  it('speaks Portuguese on the login page and in Settings, in the dark theme too', async () => {
    const page = await dashboard.newPage({ signIn: false, locale: 'pt-BR', colorScheme: 'dark' });
    await page.goto('/login');
    await page.getByTestId('login-card').waitFor();
    expect(await page.getByTestId('login-card').textContent()).toContain('Entrar no Nexo');
    await submitLogin(page, owner.email, 'senha errada demais');
    expect(await page.getByTestId('form-error').textContent()).toContain('E-mail ou senha incorretos.');
    await dashboard.screenshot(page, 'login-pt-dark.png');

    await submitLogin(page, owner.email, owner.password);
    await page.getByTestId('dashboard-page').waitFor();
    await page.goto('/settings/tokens');
    await page.getByTestId('create-token').click();
    const dialog = page.getByTestId('create-token-dialog');
    await dialog.getByTestId('token-kind').selectOption('integration');
    await dialog.getByTestId('token-scope-audit.read').check();
    await dialog.getByTestId('token-name').fill('Integração ERP');
    expect(await dialog.textContent()).toContain('Escopos');
    await dashboard.screenshot(page, 'create-token-pt-dark.png');
    await dialog.getByTestId('token-create-submit').click();
    const secret = page.getByTestId('token-secret');
    await secret.waitFor();
    expect(await secret.textContent()).toMatch(/^nexo_int_/);
  });
});

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startTestServer } from '../helpers/server.ts';

/** Debian's Chromium by default; never downloaded by Playwright. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const browserRequired = process.env.REQUIRE_BROWSER === '1';
const chromiumMissing = !existsSync(chromiumPath);

/** Use with `describe.skipIf(skipBrowserTests)`: skipped without Chromium, unless REQUIRE_BROWSER=1 (then they fail). */
export const skipBrowserTests = chromiumMissing && !browserRequired;
if (skipBrowserTests) {
  console.warn(`browser tests skipped: no Chromium at ${chromiumPath} (install it, set CHROMIUM_PATH, or set REQUIRE_BROWSER=1 to make this a failure)`);
}

export const screenshotDir = join(import.meta.dirname, 'screenshots');

export function launchBrowser(): Promise<Browser> {
  if (chromiumMissing) throw new Error(`REQUIRE_BROWSER=1 but there is no Chromium at ${chromiumPath} (set CHROMIUM_PATH)`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** The bootstrap owner every test server starts with (NEXO_OWNER_EMAIL / NEXO_OWNER_PASSWORD). */
export const owner: Credentials = { email: 'owner@nexo.test', password: 'correct horse battery staple' };

export interface Credentials {
  email: string;
  password: string;
}

export interface PageOptions {
  colorScheme?: 'light' | 'dark';
  /** Drives navigator.language (the dashboard's default locale). */
  locale?: string;
  /** Signed in through the API before the page opens (the owner by default); `false` for a signed-out browser. */
  signIn?: Credentials | false;
}

export interface Dashboard {
  readonly url: string;
  /** A page in a fresh browser context (own localStorage), on the real server's origin. */
  newPage(options?: PageOptions): Promise<Page>;
  screenshot(page: Page, name: string): Promise<void>;
}

interface Server {
  url: string;
  stop(): Promise<unknown>;
}

/**
 * For one describe block: starts the real Nexo server (serving the built dashboard) and Chromium,
 * fails any test whose page threw an uncaught error, and cleans everything up.
 */
export function useDashboard(options: { env?: Record<string, string> } = {}): Dashboard {
  let server: Server | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const ownerEnv = { NEXO_OWNER_EMAIL: owner.email, NEXO_OWNER_PASSWORD: owner.password, ...options.env };
    const [started, launched] = await Promise.allSettled([startTestServer({ env: ownerEnv }), launchBrowser()]);
    if (started.status === 'fulfilled') server = started.value;
    if (launched.status === 'fulfilled') browser = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
  });

  afterEach(async () => {
    await Promise.allSettled(contexts.splice(0).map((context) => context.close()));
    expect(pageErrors.splice(0), 'uncaught errors in the page').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    get url() {
      if (!server) throw new Error('the Nexo server did not start');
      return server.url;
    },
    async newPage(options = {}) {
      if (!browser || !server) throw new Error('the browser or the Nexo server did not start');
      const context = await browser.newContext({
        baseURL: server.url,
        viewport: { width: 1366, height: 860 },
        colorScheme: options.colorScheme ?? 'light',
        locale: options.locale ?? 'en-US',
      });
      contexts.push(context);
      if (options.signIn !== false) await signIn(context, options.signIn ?? owner);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      return page;
    },
    async screenshot(page, name) {
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: join(screenshotDir, name), fullPage: true });
    },
  };
}

/** The classes on <html> (the theme) and its lang attribute (the locale). */
export function documentState(page: Page): Promise<{ dark: boolean; lang: string }> {
  return page.evaluate(() => ({
    dark: document.documentElement.classList.contains('dark'),
    lang: document.documentElement.lang,
  }));
}

/** Text of every sidebar link, in order. */
export async function sidebarLabels(page: Page): Promise<string[]> {
  const labels = await page.locator('[data-testid=sidebar] a').allTextContents();
  return labels.map((label) => label.trim());
}

/** Signs a browser context in through `POST /api/auth/login`; its cookie jar then holds the session and CSRF cookies. */
export async function signIn(context: BrowserContext, credentials: Credentials): Promise<void> {
  const response = await context.request.post('/api/auth/login', { data: credentials });
  const body = await response.text();
  if (!response.ok() || !body.includes('"ok"')) throw new Error(`login as ${credentials.email} failed: ${response.status()} ${body}`);
}

/** Calls the API as the page's signed-in user, with the CSRF header a write needs. */
export async function api<T = unknown>(page: Page, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, data?: unknown): Promise<T> {
  const cookies = await page.context().cookies();
  const csrf = cookies.find((cookie) => cookie.name === 'nexo_csrf')?.value;
  const response = await page.context().request.fetch(path, {
    method,
    headers: csrf ? { 'X-CSRF-Token': csrf } : {},
    ...(data === undefined ? {} : { data }),
  });
  const text = await response.text();
  if (!response.ok()) throw new Error(`${method} ${path} answered ${response.status()}: ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

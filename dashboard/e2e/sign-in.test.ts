/**
 * Sign-in in a real browser against `hydra up` with authentication on
 * (HYDRA_AUTH=on, an HS256 secret, the ingest token for the demo): the page
 * asks for a token, a token signed with another secret is refused (401) and
 * the ingest token is refused for lacking metrics:read (403), a token minted
 * with the secret shows the data and survives a reload in the tab, and
 * signing out brings the form back. The token never appears in a URL or in
 * hydra's log output. Saves docs/screenshots/sign-in.png.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from './browser.ts';
import { REPO_ROOT, startHydraUp, type HydraUp } from './hydra-up.ts';

/** How long the page may take to answer a click (covers a loaded machine). */
const UI_TIMEOUT_MS = 20_000;
const SECRET = randomBytes(32).toString('hex');
const INGEST_TOKEN = `ingest-${randomBytes(12).toString('hex')}`;

/** An HS256 token as api/test mints them (docs/api.md "Making an HS256 token"). */
function mint(scope: string, secret = SECRET): Promise<string> {
  return new SignJWT({ scope, sub: 'e2e' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('15m')
    .sign(new TextEncoder().encode(secret));
}

describe('dashboard sign-in with authentication on', () => {
  let up: HydraUp;
  let browser: Browser;
  let page: Page;
  let token: string;
  const requestUrls: string[] = [];
  const consoleLines: string[] = [];
  const apiAuthorization = new Set<string>();

  beforeAll(async () => {
    token = await mint('metrics:read alerts:write');
    [up, browser] = await Promise.all([
      startHydraUp({ HYDRA_AUTH: 'on', HYDRA_JWT_SECRET: SECRET, HYDRA_INGEST_TOKEN: INGEST_TOKEN }, { token }),
      launchChromium(),
    ]);
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('request', (request) => {
      requestUrls.push(request.url());
      if (new URL(request.url()).pathname.startsWith('/api/')) {
        apiAuthorization.add(request.headers().authorization ?? '(none)');
      }
    });
    page.on('console', (msg) => consoleLines.push(msg.text()));
  });

  afterAll(async () => {
    await browser?.close();
    await up?.stop();
  });

  const field = () => page.getByLabel('bearer token');
  const message = () => page.getByRole('alert').filter({ hasText: /token/ });

  async function submit(value: string) {
    await field().fill(value);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  it('the API refuses a request without a token, so the page shows the sign-in form', async () => {
    const direct = await fetch(`${up.apiUrl}/metrics/names`);
    expect(direct.status).toBe(401);
    await page.goto(`${up.dashboardUrl}/dashboard?from=now-15m&to=now`);
    await field().waitFor({ timeout: UI_TIMEOUT_MS });
    await expect.poll(() => field().evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByText(/This hydra API has authentication on/).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'screenshots', 'sign-in.png') });
  });

  it('a token signed with another secret is refused with the API reason', async () => {
    await submit(await mint('metrics:read', randomBytes(32).toString('hex')));
    await expect
      .poll(() => message().textContent(), { timeout: UI_TIMEOUT_MS })
      .toBe('The API refused this token: bearer token signature is invalid.');
  });

  it('the ingest token is valid but lacks metrics:read: the form says which scope', async () => {
    await submit(INGEST_TOKEN);
    await expect
      .poll(() => message().textContent(), { timeout: UI_TIMEOUT_MS })
      .toContain('lacks the scope metrics:read');
    expect(await message().textContent()).toContain('the ingest token grants metrics:write only, not metrics:read');
  });

  it('a minted token shows the data, kept for the tab only and still signed in after a reload', async () => {
    await submit(token);
    const hosts = page.getByRole('table').getByRole('link');
    await expect
      .poll(() => hosts.allTextContents(), { timeout: UI_TIMEOUT_MS })
      .toEqual(expect.arrayContaining(['web-1', 'web-2', 'web-3', 'web-4']));
    expect(await page.evaluate(() => sessionStorage.getItem('hydra.token'))).toBe(token);
    expect(await page.evaluate(() => localStorage.getItem('hydra.token'))).toBeNull();
    expect(apiAuthorization.has(`Bearer ${token}`)).toBe(true);

    await page.reload();
    await expect
      .poll(() => page.getByRole('table').getByRole('link').allTextContents(), { timeout: UI_TIMEOUT_MS })
      .toEqual(expect.arrayContaining(['web-1', 'web-2', 'web-3', 'web-4']));
    expect(await field().count()).toBe(0);
  });

  it('sign out forgets the token and returns to the form', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await field().waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.getByText('You are signed out.').isVisible()).toBe(true);
    expect(await page.getByRole('table').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.getItem('hydra.token'))).toBeNull();
    await page.reload();
    await field().waitFor({ timeout: UI_TIMEOUT_MS });
  });

  it('no token was ever put in a URL, the browser console or hydra output', () => {
    const secrets = [token, INGEST_TOKEN];
    for (const secret of secrets) {
      expect(requestUrls.filter((url) => url.includes(secret))).toEqual([]);
      expect(consoleLines.filter((line) => line.includes(secret))).toEqual([]);
      expect(up.output()).not.toContain(secret);
    }
    expect(requestUrls.length).toBeGreaterThan(10);
  });
});

/**
 * The dashboard in a real browser against a real `hydra up` with the demo
 * workload: every view draws real data, the alerts view works against the
 * alerts API (acknowledging an alert when one is open), and a screenshot of
 * each view is saved to docs/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRAWN_LINE, DRAWN_SPARKLINE, launchChromium } from './browser.ts';
import { REPO_ROOT, startHydraUp, type HydraUp } from './hydra-up.ts';

const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const VIEWPORT = { width: 1600, height: 1000 };
/** How long a view may take to draw its data (the API answers in ms; this covers a loaded CI machine). */
const DRAW_TIMEOUT_MS = 20_000;
/** The range of the views: short, so the live demo alone gives every sparkline several buckets. */
const RANGE = 'now-15m';
/** How long the alerts test waits for the anomaly job to open an alert (a demo incident's, or the injected one's). */
const ALERT_WAIT_MS = 240_000;
/** How long it waits for one of the demo's own incidents before it injects a CPU saturation. */
const ALERT_QUIET_MS = 20_000;

/** One OTLP/JSON request: the demo host `host` reports system.cpu.utilization 0.99 at `timeMs` (same series). */
function saturatedCpu(host: string, timeMs: number): unknown {
  const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attribute('service.name', 'demo-shop'), attribute('host.name', host)] },
        scopeMetrics: [
          {
            scope: { name: 'hydra-demo' },
            metrics: [
              {
                name: 'system.cpu.utilization',
                unit: '1',
                gauge: { dataPoints: [{ timeUnixNano: `${timeMs}000000`, asDouble: 0.99 }] },
              },
            ],
          },
        ],
      },
    ],
  };
}

describe('dashboard in Chromium against hydra up', () => {
  let up: HydraUp;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    [up, browser] = await Promise.all([startHydraUp(), launchChromium()]);
    await mkdir(SCREENSHOTS, { recursive: true });
    page = await browser.newPage({ viewport: VIEWPORT, colorScheme: 'light' });
    page.on('pageerror', (err) => pageErrors.push(err.message));
  });

  afterAll(async () => {
    await browser?.close();
    await up?.stop();
  });

  async function shot(name: string) {
    await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
  }

  it('fleet view: every demo host with live sparklines, the ingest rate drawn', async () => {
    await page.goto(`${up.dashboardUrl}/dashboard?from=${RANGE}&to=now`);
    const hosts = page.getByRole('table').getByRole('link');
    await expect
      .poll(() => hosts.allTextContents(), { timeout: DRAW_TIMEOUT_MS })
      .toEqual(expect.arrayContaining(['web-1', 'web-2', 'web-3', 'web-4']));
    // the key-metric sparklines of all four hosts have drawn lines
    await page.waitForFunction((sel) => document.querySelectorAll(`table ${sel}`).length >= 12, DRAWN_SPARKLINE, {
      timeout: DRAW_TIMEOUT_MS,
    });
    await page
      .locator(`svg[aria-label="points stored per second"] ${DRAWN_SPARKLINE}`)
      // attached, not visible: a steady rate is a flat line, which has no height
      .waitFor({ state: 'attached', timeout: DRAW_TIMEOUT_MS });
    expect(await page.getByText('no data').count()).toBeLessThan(16);
    await shot('dashboard');
    // the dark theme, for the README
    await page.getByRole('button', { name: 'switch to dark theme' }).click();
    await shot('dashboard-dark');
    await page.getByRole('button', { name: 'switch to light theme' }).click();
  });

  it('host details: every metric of web-4 charted, drag-to-zoom puts an absolute range in the URL', async () => {
    await page.getByRole('table').getByRole('link', { name: 'web-4', exact: true }).click();
    expect(new URL(page.url()).searchParams.get('from')).toBe(RANGE);
    await page.waitForURL(/\/details\/web-4/);
    const cpu = page.locator(`figure[aria-label="system.cpu.utilization of web-4"]`);
    await cpu.locator(DRAWN_LINE).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
    await page
      .locator(`figure[aria-label="system.filesystem.utilization of web-4"] ${DRAWN_LINE}`)
      .first()
      .waitFor({ timeout: DRAW_TIMEOUT_MS });
    await expect
      .poll(() => page.locator(`figure ${DRAWN_LINE}`).count(), { timeout: DRAW_TIMEOUT_MS })
      .toBeGreaterThanOrEqual(4);
    await shot('details');

    const box = (await cpu.locator('.recharts-surface').boundingBox())!;
    // Recharts tracks the pointer per animation frame: hover first, as a person does, then drag —
    // over the observed points (the left part: a forecast may continue the axis an hour past now).
    await page.mouse.move(box.x + box.width * 0.08, box.y + box.height / 2, { steps: 4 });
    await page.waitForTimeout(150);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.19, box.y + box.height / 2, { steps: 8 });
    await page.waitForTimeout(150);
    await page.mouse.up();
    await page.waitForURL((url) => /^\d+$/.test(url.searchParams.get('from') ?? ''));
    await cpu.locator(DRAWN_LINE).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
    await expect.poll(() => page.getByRole('button', { name: 'live' }).isVisible()).toBe(true);
  });

  it('explorer: a metric filtered by a label, charted from the URL', async () => {
    const match = encodeURIComponent('host.name="web-2"');
    await page.goto(`${up.dashboardUrl}/explore?metric=system.memory.usage&match=${match}&from=${RANGE}&to=now`);
    const chart = page.locator('figure[aria-label="system.memory.usage explorer chart"]');
    await chart.locator(DRAWN_LINE).waitFor({ timeout: DRAW_TIMEOUT_MS });
    expect(await chart.locator(DRAWN_LINE).count()).toBe(1);
    await expect.poll(() => page.getByText(/1 series · step/).isVisible()).toBe(true);
    await shot('explorer');
  });

  it(
    "alerts: the anomaly job's alerts are listed, one is opened and acknowledged; monitors lists their monitor",
    async () => {
      // The demo's own incidents follow a time-of-day schedule, and only an onset within the alert horizon (30 min)
      // opens an alert, so a run may start with none due. Then the test makes one, the way a workload would: web-1
      // reports its CPU saturated over OTLP, and the anomaly job (every minute) must score it and open the alert.
      const deadline = Date.now() + ALERT_WAIT_MS;
      const injectFrom = Date.now() + ALERT_QUIET_MS;
      let alerts: { id: number; state: string; acknowledged: unknown }[] = [];
      while (Date.now() < deadline && alerts.length === 0) {
        const res = await fetch(`${up.apiUrl}/alerts?history=true&limit=100`);
        expect(res.status).toBe(200);
        alerts = ((await res.json()) as { alerts: typeof alerts }).alerts;
        if (alerts.length > 0) break;
        if (Date.now() >= injectFrom) {
          const sent = await fetch(`${up.otlpHttpUrl}/v1/metrics`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(saturatedCpu('web-1', Date.now())),
          });
          expect(sent.status, await sent.text()).toBe(200);
        }
        await new Promise((r) => setTimeout(r, 2000));
      }
      expect(alerts.length, `no alert within ${ALERT_WAIT_MS} ms:\n${up.output().slice(-2000)}`).toBeGreaterThan(0);
      const open = alerts.find((a) => a.state !== 'resolved' && a.acknowledged === null);
      const target = open ?? alerts[0]!;

      await page.goto(`${up.dashboardUrl}/alerts?state=all&from=now-24h&to=now`);
      const rows = page.getByRole('table', { name: 'alerts' }).getByRole('row');
      await expect.poll(() => rows.count(), { timeout: DRAW_TIMEOUT_MS }).toBeGreaterThan(1);
      await page.goto(`${up.dashboardUrl}/alerts?state=all&from=now-24h&to=now&id=${target.id}`);
      const detail = page.getByRole('region', { name: `alert ${target.id}` });
      await detail.waitFor({ timeout: DRAW_TIMEOUT_MS });
      await detail.locator(DRAWN_LINE).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
      if (open) {
        await detail.getByLabel('comment').fill('e2e: looking into it');
        await detail.getByRole('button', { name: 'Acknowledge' }).click();
        await detail.getByRole('button', { name: 'Acknowledged' }).waitFor({ timeout: DRAW_TIMEOUT_MS });
        const stored = (await (await fetch(`${up.apiUrl}/alerts/${target.id}`)).json()) as {
          acknowledged: { comment: string } | null;
        };
        expect(stored.acknowledged?.comment).toBe('e2e: looking into it');
      }
      await shot('alerts');

      await page.goto(`${up.dashboardUrl}/monitors?from=now-24h&to=now`);
      await page.getByRole('table', { name: 'monitors' }).waitFor({ timeout: DRAW_TIMEOUT_MS });
      await shot('monitors');
    },
    ALERT_WAIT_MS + 60_000,
  );

  it('raised no uncaught errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});

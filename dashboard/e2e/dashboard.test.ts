/**
 * The dashboard in a real browser against a real `hydra up` with the demo
 * workload, at 1440 px (a laptop) and 390 px (a phone): every view draws real
 * data; a scored chart keeps its own line (real segments, not isolated points)
 * with its anomaly episodes shaded and counted; the forecast starts where the
 * line ends; the fleet's last point and ingest headline agree with what the
 * demo sends and the writer counts; the alerts table's columns stay readable;
 * the explorer has a legend; the monitors page lists every monitor of
 * hydra.yaml with its last runs; no page overflows sideways. A screenshot of
 * each view is saved to docs/screenshots/.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANOMALY_EPISODE,
  ANOMALY_PEAK,
  DRAWN_LINE,
  DRAWN_SPARKLINE,
  FORECAST_LINE,
  launchChromium,
  pathCommands,
  pathEnds,
  SERIES_LINE,
} from './browser.ts';
import { demoSaturation } from '../../testing/demo-saturation.ts';
import { REPO_ROOT, startHydraUp, type HydraUp } from './hydra-up.ts';

const SCREENSHOTS = path.join(REPO_ROOT, 'docs', 'screenshots');
const DESKTOP = { width: 1440, height: 1000 };
const PHONE = { width: 390, height: 844 };
/** How long a view may take to draw its data (the API answers in ms; this covers a loaded CI machine). */
const DRAW_TIMEOUT_MS = 20_000;
/** The range of the fleet and explorer: short, so the live demo alone gives every sparkline several buckets. */
const RANGE = 'now-15m';
/** How long the anomaly job may take to score the seeded history and open its first alerts. */
const ANALYSIS_WAIT_MS = 240_000;
/** Timeout of a test that waits for the analysis jobs. */
const ANALYSIS_TEST_TIMEOUT_MS = ANALYSIS_WAIT_MS + 90_000;
/** The monitors of hydra.yaml, which `hydra up` runs. */
const DEMO_MONITORS = ['demo-cpu', 'demo-disk', 'demo-errors', 'demo-latency', 'demo-memory'];

/** How long the alerts test waits for one of the demo's own incidents before it injects a CPU saturation. */
const ALERT_QUIET_MS = 20_000;

/** Horizontal overflow of the page in px (0 when nothing sticks out sideways). */
function overflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Counter value of a Prometheus sample line, e.g. `hydra_storage_writer_rows_total{table="samples"}`. */
async function counter(url: string, series: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const line = text.split('\n').find((l) => l.startsWith(series));
  if (!line) throw new Error(`${series} not in ${url}`);
  return Number(line.slice(series.length).trim().split(' ')[0]);
}

describe('dashboard in Chromium against hydra up', () => {
  let up: HydraUp;
  let browser: Browser;
  let page: Page;
  let phone: Page;
  const pageErrors: string[] = [];
  const warnings: string[] = [];

  beforeAll(async () => {
    [up, browser] = await Promise.all([startHydraUp(), launchChromium()]);
    await mkdir(SCREENSHOTS, { recursive: true });
    page = await browser.newPage({ viewport: DESKTOP, colorScheme: 'light' });
    phone = await browser.newPage({ viewport: PHONE, colorScheme: 'light', isMobile: true, hasTouch: true });
    for (const p of [page, phone]) {
      p.on('pageerror', (err) => pageErrors.push(err.message));
      p.on('console', (m) => {
        if (m.type() === 'warning' || m.type() === 'error') warnings.push(m.text());
      });
    }
  });

  afterAll(async () => {
    await browser?.close();
    await up?.stop();
  });

  async function shot(name: string, on: Page = page) {
    await on.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: on === phone });
  }

  it('fleet view: every demo host with live sparklines, last points seconds old, the ingest headline as the writer counts', async () => {
    const samples = 'hydra_storage_writer_rows_total{table="samples"}';
    const before = { at: Date.now(), rows: await counter(up.metricsUrl, samples) };
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
    // hosts export every 5 s: their last point is seconds old, not the start of a bucket minutes ago
    const lastPoints = page.locator('table tbody tr td:last-child');
    await expect
      .poll(async () => (await lastPoints.allTextContents()).filter((t) => /sec|now/.test(t)).length, {
        timeout: DRAW_TIMEOUT_MS,
      })
      .toBe(4);
    // the headline (last complete minute) against the writer's own counter over the same stretch of time
    await page.waitForTimeout(Math.max(0, 45_000 - (Date.now() - before.at)));
    const after = { at: Date.now(), rows: await counter(up.metricsUrl, samples) };
    const writerRate = (after.rows - before.rows) / ((after.at - before.at) / 1000);
    await page.reload();
    const headline = page.getByLabel('samples per second, last minute');
    await expect.poll(() => headline.textContent(), { timeout: DRAW_TIMEOUT_MS }).toMatch(/^[\d.]+\/s$/);
    const shown = Number.parseFloat((await headline.textContent())!);
    expect(shown, `headline ${shown}/s, writer ${writerRate.toFixed(2)}/s`).toBeGreaterThan(writerRate * 0.7);
    expect(shown).toBeLessThan(writerRate * 1.3);
    expect(await overflow(page)).toBe(0);
    await shot('dashboard');
    // the dark theme, for the README
    await page.getByRole('button', { name: 'switch to dark theme' }).click();
    await shot('dashboard-dark');
    await page.getByRole('button', { name: 'switch to light theme' }).click();
  });

  it(
    'host details: a scored chart keeps its own line, shades and counts its anomaly episodes, and its forecast starts at the line',
    async () => {
      // The host whose charts carry anomaly episodes: one with an injected incident in the seeded day (which host,
      // and when, follows the demo's schedule and the wall clock; a host without one shows no episode).
      const anomalous = async (): Promise<string | null> => {
        const res = await fetch(`${up.apiUrl}/analytics/trends?window=24h`);
        const { trends } = (await res.json()) as { trends: Array<{ host: string | null; anomalies: number }> };
        const best = trends.filter((t) => t.host !== null).sort((a, b) => b.anomalies - a.anomalies)[0];
        return best && best.anomalies > 0 ? best.host : null;
      };
      await expect.poll(anomalous, { timeout: ANALYSIS_WAIT_MS, interval: 2000 }).not.toBeNull();
      const host = (await anomalous())!;
      await page.goto(`${up.dashboardUrl}/details/${host}?from=now-24h&to=now`);
      const cpu = page.locator(`figure[aria-label="system.cpu.utilization of ${host}"]`);
      await cpu.locator(DRAWN_LINE).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
      // wait for the anomaly job's scores: the expected band in a chart's legend
      const scored = page.locator('figure').filter({ has: page.getByText('expected band') });
      await expect.poll(() => scored.count(), { timeout: ANALYSIS_WAIT_MS, interval: 2000 }).toBeGreaterThanOrEqual(3);
      // every scored chart still draws the metric's own line as a line: a few moves, many segments
      const scoredLines = await scored
        .locator(SERIES_LINE)
        .evaluateAll((els) => els.map((e) => e.getAttribute('d') ?? ''));
      expect(scoredLines.length).toBeGreaterThanOrEqual(3);
      for (const d of scoredLines) {
        const { moves, segments } = pathCommands(d);
        expect(segments, `series line ${d.slice(0, 80)}…`).toBeGreaterThan(50);
        expect(moves).toBeLessThanOrEqual(3);
      }
      // anomaly episodes: a shaded span each with its peak marked, counted in the card's description
      await expect
        .poll(() => page.locator(ANOMALY_EPISODE).count(), { timeout: ANALYSIS_WAIT_MS, interval: 2000 })
        .toBeGreaterThan(0);
      for (const card of await page
        .locator('section')
        .filter({ has: page.locator(ANOMALY_EPISODE) })
        .all()) {
        const spans = await card.locator(ANOMALY_EPISODE).count();
        expect(await card.locator(ANOMALY_PEAK).count()).toBe(spans);
        await expect.poll(() => card.textContent()).toMatch(new RegExp(`${spans} anomaly episodes?`));
      }
      expect(await page.locator('.recharts-line-dots').count()).toBe(0);
      // the forecast of the cpu chart continues from the line's last point, not a forecast step later
      const forecast = cpu.locator(FORECAST_LINE);
      await forecast.waitFor({ timeout: DRAW_TIMEOUT_MS });
      const line = pathEnds((await cpu.locator(SERIES_LINE).first().getAttribute('d'))!)!;
      const ahead = pathEnds((await forecast.getAttribute('d'))!)!;
      expect(Math.abs(ahead.first[0] - line.last[0])).toBeLessThan(1);
      expect(await overflow(page)).toBe(0);
      await shot('details');

      const box = (await cpu.locator('.recharts-surface').boundingBox())!;
      // Recharts tracks the pointer per animation frame: hover first, as a person does, then drag —
      // over the observed points (the left part: a forecast continues the axis past now).
      await page.mouse.move(box.x + box.width * 0.08, box.y + box.height / 2, { steps: 4 });
      await page.waitForTimeout(150);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.19, box.y + box.height / 2, { steps: 8 });
      await page.waitForTimeout(150);
      await page.mouse.up();
      await page.waitForURL((url) => /^\d+$/.test(url.searchParams.get('from') ?? ''));
      await cpu.locator(DRAWN_LINE).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
      await expect.poll(() => page.getByRole('button', { name: 'live' }).isVisible()).toBe(true);
    },
    ANALYSIS_TEST_TIMEOUT_MS,
  );

  it('explorer: several series drawn with a legend naming each by the labels that differ', async () => {
    await page.goto(`${up.dashboardUrl}/explore?metric=system.cpu.utilization&from=${RANGE}&to=now`);
    const chart = page.locator('figure[aria-label="system.cpu.utilization explorer chart"]');
    await expect.poll(() => chart.locator(DRAWN_LINE).count(), { timeout: DRAW_TIMEOUT_MS }).toBe(4);
    const legend = chart.getByRole('list', { name: 'legend' }).getByRole('listitem');
    expect(await legend.allTextContents()).toEqual([
      'host.name=web-1',
      'host.name=web-2',
      'host.name=web-3',
      'host.name=web-4',
    ]);
    await shot('explorer');
    // one series, filtered by a label, from the URL
    const match = encodeURIComponent('host.name="web-2"');
    await page.goto(`${up.dashboardUrl}/explore?metric=system.memory.usage&match=${match}&from=${RANGE}&to=now`);
    const one = page.locator('figure[aria-label="system.memory.usage explorer chart"]');
    await one.locator(DRAWN_LINE).waitFor({ timeout: DRAW_TIMEOUT_MS });
    expect(await one.locator(DRAWN_LINE).count()).toBe(1);
    await expect.poll(() => page.getByText(/1 series · step/).isVisible()).toBe(true);
  });

  it(
    'alerts: readable columns (started, host on one line, metric once, the summary with its values); one alert acknowledged',
    async () => {
      const deadline = Date.now() + ANALYSIS_WAIT_MS;
      const injectFrom = Date.now() + ALERT_QUIET_MS;
      let alerts: { id: number; state: string; acknowledged: unknown; labels: Record<string, string> }[] = [];
      const saturate = demoSaturation(up.apiUrl, up.otlpHttpUrl);
      while (Date.now() < deadline && alerts.length === 0) {
        const res = await fetch(`${up.apiUrl}/alerts?history=true&limit=100`);
        expect(res.status).toBe(200);
        alerts = ((await res.json()) as { alerts: typeof alerts }).alerts;
        if (alerts.length > 0) break;
        // none of the demo's incidents due: the quietest host reports its CPU saturated, as a workload would
        if (Date.now() >= injectFrom) await saturate();
        await new Promise((r) => setTimeout(r, 2000));
      }
      expect(alerts.length, `no alert within ${ANALYSIS_WAIT_MS} ms:\n${up.output().slice(-2000)}`).toBeGreaterThan(0);
      const open = alerts.find((a) => a.state !== 'resolved' && a.acknowledged === null);
      const target = open ?? alerts[0]!;

      await page.goto(`${up.dashboardUrl}/alerts?state=all&from=now-24h&to=now&id=${target.id}`);
      const table = page.getByRole('table', { name: 'alerts' });
      const rows = table.locator('tbody tr');
      await expect.poll(() => rows.count(), { timeout: DRAW_TIMEOUT_MS }).toBeGreaterThan(0);
      const cells = await rows.evaluateAll((trs) =>
        trs.map((tr) => {
          const tds = [...tr.querySelectorAll('td')].filter((td) => td.offsetParent !== null);
          const lines = (el: Element) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
          };
          return {
            text: tr.textContent ?? '',
            columns: tds.length,
            clipped: tds.filter((td) => td.scrollWidth > td.clientWidth + 1).length,
            hostLines: tds[3] ? lines(tds[3]) : 0,
            startedLines: tds[5] ? lines(tds[5]) : 0,
          };
        }),
      );
      for (const [i, c] of cells.entries()) {
        const metric = alerts.find((a) => c.text.includes(a.labels.__name__ ?? '\u0000'))?.labels.__name__;
        expect(c.columns, c.text).toBe(7);
        expect(c.clipped, c.text).toBe(0);
        expect(c.hostLines, `host of row ${i} wraps`).toBe(1);
        expect(c.startedLines, `started of row ${i} wraps`).toBe(1);
        if (metric) expect(c.text.split(metric).length - 1, `metric printed twice: ${c.text}`).toBe(1);
      }
      const detail = page.getByRole('region', { name: `alert ${target.id}` });
      await detail.waitFor({ timeout: DRAW_TIMEOUT_MS });
      await detail.locator(DRAWN_LINE).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
      // the explanation in words: no camelCase names, no long raw floats
      const explanation = detail.getByRole('region', { name: 'explanation' });
      const names = await explanation.locator('dt').allTextContents();
      expect(names.length).toBeGreaterThan(4);
      for (const n of names) expect(n).not.toMatch(/[a-z][A-Z]/);
      for (const v of await explanation.locator('dd').allTextContents()) expect(v).not.toMatch(/\d\.\d{5,}/);
      if (open) {
        await detail.getByLabel('comment').fill('e2e: looking into it');
        await detail.getByRole('button', { name: 'Acknowledge' }).click();
        await detail.getByRole('button', { name: 'Acknowledged' }).waitFor({ timeout: DRAW_TIMEOUT_MS });
        const stored = (await (await fetch(`${up.apiUrl}/alerts/${target.id}`)).json()) as {
          acknowledged: { comment: string } | null;
        };
        expect(stored.acknowledged?.comment).toBe('e2e: looking into it');
      }
      expect(await overflow(page)).toBe(0);
      await shot('alerts');
    },
    ANALYSIS_TEST_TIMEOUT_MS,
  );

  it('monitors: every monitor of hydra.yaml with what it does and its last runs', async () => {
    await page.goto(`${up.dashboardUrl}/monitors`);
    const table = page.getByRole('table', { name: 'monitors' });
    await table.waitFor({ timeout: DRAW_TIMEOUT_MS });
    const names = table.locator('tbody tr td:first-child a');
    await expect
      .poll(async () => (await names.allTextContents()).sort(), { timeout: DRAW_TIMEOUT_MS })
      .toEqual(DEMO_MONITORS);
    // every monitor's jobs have run by now (the alerts test waited for the anomaly job)
    await expect
      .poll(() => table.getByText('no run recorded').count(), { timeout: ANALYSIS_WAIT_MS, interval: 2000 })
      .toBe(0);
    expect(await table.getByText(/^(succeeded|failed)$/).count()).toBeGreaterThanOrEqual(DEMO_MONITORS.length);
    await shot('monitors');
  });

  it('on a 390 px phone: the header wraps, no view overflows sideways, the alerts stay readable, labels stay in the plots', async () => {
    const views = [
      ['dashboard', `/dashboard?from=${RANGE}&to=now`, 'table'],
      ['details', '/details/web-4?from=now-6h&to=now', `figure ${DRAWN_LINE}`],
      ['alerts', '/alerts?state=all&from=now-24h&to=now', 'table[aria-label="alerts"] tbody tr'],
      ['explorer', `/explore?metric=system.cpu.utilization&from=${RANGE}&to=now`, `figure ${DRAWN_LINE}`],
      ['monitors', '/monitors', 'table[aria-label="monitors"] tbody tr'],
    ] as const;
    for (const [name, url, ready] of views) {
      await phone.goto(`${up.dashboardUrl}${url}`);
      await phone.locator(ready).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
      await phone.waitForTimeout(500);
      expect(await overflow(phone), `${name} overflows at 390 px`).toBe(0);
      const header = (await phone.locator('header').boundingBox())!;
      expect(header.width).toBeLessThanOrEqual(PHONE.width);
      if (name === 'alerts') {
        // the alert column keeps room to read; host and start fold under it
        const alertCell = (await phone
          .locator('table[aria-label="alerts"] tbody tr td:nth-child(3)')
          .first()
          .boundingBox())!;
        expect(alertCell.width).toBeGreaterThan(200);
        expect(
          await phone
            .locator('table[aria-label="alerts"] tbody tr')
            .first()
            .getByText(/^started /)
            .isVisible(),
        ).toBe(true);
      }
      if (name === 'details') {
        // threshold labels and ticks stay inside each chart's box
        const outside = await phone.locator('figure').evaluateAll((figs) =>
          figs.flatMap((f) => {
            const box = f.getBoundingClientRect();
            return [...f.querySelectorAll('svg text')]
              .map((t) => t.getBoundingClientRect())
              .filter((r) => r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1));
          }),
        );
        expect(outside).toEqual([]);
      }
      await shot(`${name}-phone`, phone);
    }
  });

  it('raised no uncaught errors and no router warnings in the page', () => {
    expect(pageErrors).toEqual([]);
    expect(warnings.filter((w) => /HydrateFallback|React Router/.test(w))).toEqual([]);
  });
});

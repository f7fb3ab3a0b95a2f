/**
 * Dashboard performance in headless Chromium against a real `hydra up`:
 * the JavaScript shipped on the first load of /dashboard (gzipped, as
 * served: the bundle is precompressed), and the time from navigation to the
 * first chart with data (a Recharts line with drawn segments), cold (empty
 * cache) and warm (cached assets).
 *
 *   npx tsx bench/dashboard/measure.ts [--runs 5]
 *
 * Prints a table and writes bench/dashboard/results.json.
 */
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import { parseArgs } from 'node:util';
import type { Browser } from 'playwright-core';
import { DRAWN_SPARKLINE, launchChromium } from '../../dashboard/e2e/browser.ts';
import { startHydraUp } from '../../dashboard/e2e/hydra-up.ts';

/** Runs per measurement; the median is reported. */
const DEFAULT_RUNS = 5;
/** The view measured and its range (short, so live demo data alone fills the charts). */
const VIEW = '/dashboard?from=now-15m&to=now';
const CHART_TIMEOUT_MS = 30_000;

interface Load {
  jsGzipBytes: number;
  jsFiles: number;
  cssGzipBytes: number;
  firstChartMs: number;
  domContentLoadedMs: number;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

async function measureLoad(
  browser: Browser,
  url: string,
  context?: Awaited<ReturnType<Browser['newContext']>>,
): Promise<Load> {
  const ctx = context ?? (await browser.newContext({ viewport: { width: 1600, height: 1000 } }));
  const page = await ctx.newPage();
  let jsGzipBytes = 0;
  let jsFiles = 0;
  let cssGzipBytes = 0;
  let counting = true;
  page.on('response', async (res) => {
    if (!counting) return;
    const type = res.request().resourceType();
    if (type !== 'script' && type !== 'stylesheet') return;
    const fromCache = res.fromServiceWorker() || (await res.request().sizes()).responseBodySize === 0;
    if (fromCache) return;
    const length = Number((await res.allHeaders())['content-length'] ?? 0);
    if (type === 'script') {
      jsGzipBytes += length;
      jsFiles += 1;
    } else cssGzipBytes += length;
  });
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector(`table ${DRAWN_SPARKLINE}`, { timeout: CHART_TIMEOUT_MS });
  const firstChartMs = await page.evaluate(() => performance.now());
  counting = false;
  // Evaluated as a string: this file is type-checked without the DOM library.
  const domContentLoadedMs = Number(
    await page.evaluate('performance.getEntriesByType("navigation")[0]?.domContentLoadedEventEnd ?? NaN'),
  );
  await page.close();
  if (!context) await ctx.close();
  return { jsGzipBytes, jsFiles, cssGzipBytes, firstChartMs, domContentLoadedMs };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: String(DEFAULT_RUNS) } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: '${values.runs}' is not a whole number ≥ 1`);
  const up = await startHydraUp();
  const browser = await launchChromium();
  try {
    const url = `${up.dashboardUrl}${VIEW}`;
    // Let every host have a few live buckets in the 15-minute range.
    await new Promise((r) => setTimeout(r, 20_000));
    const cold: Load[] = [];
    for (let i = 0; i < runs; i += 1) cold.push(await measureLoad(browser, url));
    const warmContext = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    await measureLoad(browser, url, warmContext);
    const warm: Load[] = [];
    for (let i = 0; i < runs; i += 1) warm.push(await measureLoad(browser, url, warmContext));
    await warmContext.close();
    const summary = {
      date: new Date().toISOString(),
      machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, load ${os.loadavg()[0]!.toFixed(1)}, Node ${process.version}`,
      view: VIEW,
      runs,
      hydraUpToDashboardMs: up.startedInMs,
      cold: {
        jsGzipKB: cold[0]!.jsGzipBytes / 1024,
        jsFiles: cold[0]!.jsFiles,
        cssGzipKB: cold[0]!.cssGzipBytes / 1024,
        firstChartMsMedian: median(cold.map((l) => l.firstChartMs)),
        firstChartMsMax: Math.max(...cold.map((l) => l.firstChartMs)),
        domContentLoadedMsMedian: median(cold.map((l) => l.domContentLoadedMs)),
      },
      warm: {
        firstChartMsMedian: median(warm.map((l) => l.firstChartMs)),
        firstChartMsMax: Math.max(...warm.map((l) => l.firstChartMs)),
      },
    };
    console.log(JSON.stringify(summary, null, 2));
    await writeFile(new URL('./results.json', import.meta.url), `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await browser.close();
    await up.stop();
  }
}

await main();

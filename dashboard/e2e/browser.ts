/** Debian's Chromium through playwright-core, headless, for the browser tests and the benchmark. */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_PATH } from '../../testing/tools.ts';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A chart "with data": a Recharts line inside the figure whose path has drawn segments. */
export const DRAWN_LINE = '.recharts-line-curve[d*="L"]';
/** A sparkline (plain SVG, the fleet view) with at least two points joined. */
export const DRAWN_SPARKLINE = 'path.sparkline-line[d*="L"]';

/** The metric's own line(s) of a chart (not the forecast's). */
export const SERIES_LINE = '.series-line path.recharts-line-curve';
/** The forecast's dashed line. */
export const FORECAST_LINE = '.forecast-line path.recharts-line-curve';
/** A shaded anomaly episode and its peak. */
export const ANOMALY_EPISODE = '.anomaly-episode';
export const ANOMALY_PEAK = '.anomaly-peak';

/**
 * Moves (`M`) and segments (`L`, `C`…) of an SVG path. A drawn line has a few moves and many segments; the
 * broken line of a scored chart was a run of isolated `M…Z` points: as many moves as points, no segment.
 */
export function pathCommands(d: string): { moves: number; segments: number } {
  return { moves: (d.match(/M/g) ?? []).length, segments: (d.match(/[LCQSTHVA]/gi) ?? []).length };
}

/** First and last point (x, y) of an SVG path of M/L commands. */
export function pathEnds(d: string): { first: [number, number]; last: [number, number] } | null {
  const pts = [...d.matchAll(/[ML]\s*(-?[\d.]+)[ ,](-?[\d.]+)/g)].map(
    (m) => [Number(m[1]), Number(m[2])] as [number, number],
  );
  return pts.length ? { first: pts[0]!, last: pts.at(-1)! } : null;
}

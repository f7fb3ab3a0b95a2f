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

import { RollingOrder } from '../stats/rolling-order.ts';
import { withinDomain } from './domain.ts';
import { resolveOptions } from './options.ts';
import { robustScale } from './residual-model.ts';
import { bandHalfWidth, scoreAgainstBand, warmingUp } from './scoring.ts';
import { beginState, loadPoint, openState, savePoint } from './state.ts';
import { TimeOrder } from './time-order.ts';
import type { Detector, DetectorOptions, OnlineDetector, PointResult } from './types.ts';

/** Points in the rolling window. */
export const MAD_WINDOW = 120;
/** Points learned before scoring. */
export const MAD_DEFAULT_WARMUP = 30;

/**
 * Robust median/MAD: expected = median of the previous {@link MAD_WINDOW}
 * points, band = median ± k·1.4826·MAD (Hampel filter). Outliers do not
 * move the band, so bursts are all caught; no seasonality. O(window) per
 * point. Reference: Hampel, "The influence curve and its role in robust
 * estimation", JASA 69 (1974); Leys et al., "Detecting outliers: do not
 * use standard deviation around the mean", JESP 49 (2013).
 */
export const robustMadDetector: Detector = {
  name: 'mad',
  description: 'rolling median ± k·1.4826·MAD over the last 120 points (Hampel filter)',
  create(options?: DetectorOptions): OnlineDetector {
    const o = resolveOptions(options, MAD_DEFAULT_WARMUP);
    const window = new RollingOrder(MAD_WINDOW);
    const order = new TimeOrder();
    let last: PointResult = warmingUp();
    return withinDomain(
      {
        push(t: number, value: number): PointResult {
          order.check(t);
          if (Number.isNaN(value)) return { ...last, score: Number.NaN };
          if (window.length >= Math.max(o.warmup, 2)) {
            const expected = window.median();
            last = scoreAgainstBand(value, expected, bandHalfWidth(expected, robustScale(window), o), o);
          } else {
            last = warmingUp();
          }
          window.push(value);
          return last;
        },
        snapshot(): Uint8Array {
          const w = beginState('mad');
          order.save(w);
          window.save(w);
          savePoint(w, last);
          return w.finish();
        },
        restore(state: Uint8Array): void {
          const r = openState(state, 'mad');
          order.load(r);
          window.load(r);
          last = loadPoint(r);
          r.end();
        },
      },
      o.domain,
    );
  },
};

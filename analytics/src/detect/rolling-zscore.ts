import { RollingMoments } from '../stats/rolling-moments.ts';
import { withinDomain } from './domain.ts';
import { resolveOptions } from './options.ts';
import { bandHalfWidth, scoreAgainstBand, warmingUp } from './scoring.ts';
import { beginState, loadPoint, openState, savePoint } from './state.ts';
import { TimeOrder } from './time-order.ts';
import type { Detector, DetectorOptions, OnlineDetector, PointResult } from './types.ts';

/** Points in the rolling window. */
export const ZSCORE_WINDOW = 120;
/** Points learned before scoring. */
export const ZSCORE_DEFAULT_WARMUP = 30;

/**
 * Rolling z-score: expected = mean of the previous {@link ZSCORE_WINDOW}
 * points, band = mean ± k·standard deviation. The classic baseline; fast
 * to adapt, but one large outlier inflates the deviation for a whole
 * window and masks what follows. O(1) per point.
 */
export const rollingZScoreDetector: Detector = {
  name: 'zscore',
  description: 'rolling mean ± k·standard deviation over the last 120 points (the baseline)',
  create(options?: DetectorOptions): OnlineDetector {
    const o = resolveOptions(options, ZSCORE_DEFAULT_WARMUP);
    const window = new RollingMoments(ZSCORE_WINDOW);
    const order = new TimeOrder();
    let last: PointResult = warmingUp();
    return withinDomain(
      {
        push(t: number, value: number): PointResult {
          order.check(t);
          if (Number.isNaN(value)) return { ...last, score: Number.NaN };
          if (window.length >= Math.max(o.warmup, 2)) {
            const expected = window.mean();
            last = scoreAgainstBand(value, expected, bandHalfWidth(expected, Math.sqrt(window.variance()), o), o);
          } else {
            last = warmingUp();
          }
          window.push(value);
          return last;
        },
        snapshot(): Uint8Array {
          const w = beginState('zscore');
          order.save(w);
          window.save(w);
          savePoint(w, last);
          return w.finish();
        },
        restore(state: Uint8Array): void {
          const r = openState(state, 'zscore');
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

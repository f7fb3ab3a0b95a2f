import { withinDomain } from './domain.ts';
import { resolveOptions, type ResolvedOptions } from './options.ts';
import { ResidualModel, type ResidualView } from './residual-model.ts';
import { bandHalfWidth, directedScore, scoreAgainstBand, warmingUp } from './scoring.ts';
import { beginState, loadPoint, openState, savePoint } from './state.ts';
import { TimeOrder } from './time-order.ts';
import type { Detector, DetectorOptions, OnlineDetector, PointResult } from './types.ts';

/** Points learned before the seasonal, level-shift and ensemble detectors score. */
export const SEASONAL_DEFAULT_WARMUP = 60;
/**
 * The level-shift band, as a fraction of the point band: a median of five
 * recent residuals is far less noisy than one point, so a smaller sustained
 * move is significant.
 */
export const SHIFT_BAND_FRACTION = 0.6;

type Scorer = (value: number, view: ResidualView, o: ResolvedOptions) => PointResult;

/** Point score: the residual against the robust band of recent residuals. */
export const scoreSeasonalPoint: Scorer = (value, view, o) => {
  const expected = view.baseline + view.recentMedian;
  return scoreAgainstBand(value, expected, bandHalfWidth(expected, view.recentScale, o), o);
};

/** Shift score alone: median of the last few residuals against the median of older ones. */
function levelShiftScore(view: ResidualView, o: ResolvedOptions): number {
  const halfWidth = bandHalfWidth(view.baseline + view.referenceMedian, view.referenceScale, o);
  const deviation = view.shortMedian - view.referenceMedian;
  return directedScore(deviation, Math.abs(deviation) / (halfWidth * SHIFT_BAND_FRACTION), o);
}

/** Shift score, with the band of the older residuals. */
export const scoreLevelShift: Scorer = (_value, view, o) => {
  const expected = view.baseline + view.referenceMedian;
  const halfWidth = bandHalfWidth(expected, view.referenceScale, o);
  return { score: levelShiftScore(view, o), expected, lower: expected - halfWidth, upper: expected + halfWidth };
};

/** A detector over a {@link ResidualModel} with the given scorer. */
export function residualDetector(name: string, description: string, scorer: Scorer): Detector {
  return {
    name,
    description,
    create(options?: DetectorOptions): OnlineDetector {
      const o = resolveOptions(options, SEASONAL_DEFAULT_WARMUP);
      const model = new ResidualModel();
      const order = new TimeOrder();
      let last: PointResult = warmingUp();
      return withinDomain(
        {
          push(t: number, value: number): PointResult {
            order.check(t);
            if (Number.isNaN(value)) return { ...last, score: Number.NaN };
            const view = model.view(t, value);
            const ready = view.learned >= Math.max(o.warmup, 2) && !Number.isNaN(view.baseline);
            last = ready ? scorer(value, view, o) : warmingUp();
            model.learn(t, value, view.residual);
            return last;
          },
          snapshot(): Uint8Array {
            const w = beginState(name);
            order.save(w);
            model.save(w);
            savePoint(w, last);
            return w.finish();
          },
          restore(state: Uint8Array): void {
            const r = openState(state, name);
            order.load(r);
            model.load(r);
            last = loadPoint(r);
            r.end();
          },
        },
        o.domain,
      );
    },
  };
}

/** Seasonal detector: learns the daily/weekly (or any) period, scores the residual robustly. */
export const seasonalDetector = residualDetector(
  'seasonal',
  'removes the learned seasonal profile (median of the last three periods), then scores the residual by median/MAD',
  scoreSeasonalPoint,
);

/** Level-shift detector: a sustained move of the recent median of residuals. */
export const levelShiftDetector = residualDetector(
  'level-shift',
  'flags sustained moves of the level: median of the last 5 residuals against the median of the 256 before',
  scoreLevelShift,
);

import { mulberry32 } from '../random.ts';
import { IsolationForest } from './isolation-forest-model.ts';
import { withinDomain } from './domain.ts';
import { resolveOptions } from './options.ts';
import { ResidualModel, type ResidualView } from './residual-model.ts';
import { SEASONAL_DEFAULT_WARMUP } from './seasonal.ts';
import { bandHalfWidth, directedScore, warmingUp } from './scoring.ts';
import { TimeOrder } from './time-order.ts';
import type { Detector, DetectorOptions, OnlineDetector, PointResult } from './types.ts';

/** Feature vectors the forest is trained on (the most recent ones). */
export const FOREST_TRAINING_POINTS = 256;
/** The forest is refitted after this many new points. */
export const FOREST_REFIT_EVERY = 128;
/** Trees per forest. */
export const FOREST_TREES = 40;
/** Rows per tree (ψ in the paper; 256 there, smaller is faster and as good on 3 features). */
export const FOREST_SAMPLE_SIZE = 128;
/** Seed of the forest's random source, so runs are reproducible. */
export const FOREST_SEED = 0x5eed;
/** Isolation score at the band edge for sensitivity 0 and 1 (interpolated between). */
export const FOREST_THRESHOLD_AT_LOW_SENSITIVITY = 0.9;
export const FOREST_THRESHOLD_AT_HIGH_SENSITIVITY = 0.78;
/** Features are clipped to ± this many scales so one huge outlier does not flatten the rest. */
export const FEATURE_CLIP = 50;

/**
 * Isolation Forest over windowed features of the seasonal residual: the
 * standardised residual, the standardised change since the previous point,
 * and the standardised shift of the recent median. The forest is trained
 * causally on the last 256 feature vectors and refitted every 128 points.
 * Expected value and band are the seasonal detector's.
 */
export const isolationForestDetector: Detector = {
  name: 'iforest',
  description: 'Isolation Forest over residual, change and shift features, refitted on the last 256 points',
  create(options?: DetectorOptions): OnlineDetector {
    const o = resolveOptions(options, SEASONAL_DEFAULT_WARMUP);
    const threshold =
      FOREST_THRESHOLD_AT_LOW_SENSITIVITY -
      o.sensitivity * (FOREST_THRESHOLD_AT_LOW_SENSITIVITY - FOREST_THRESHOLD_AT_HIGH_SENSITIVITY);
    const model = new ResidualModel();
    const order = new TimeOrder();
    const random = mulberry32(FOREST_SEED);
    const training: Float64Array[] = [];
    let forest: IsolationForest | undefined;
    let sinceFit = 0;
    let previousResidual = Number.NaN;
    let last: PointResult = warmingUp();
    return withinDomain(
      {
        push(t: number, value: number): PointResult {
          order.check(t);
          if (Number.isNaN(value)) return { ...last, score: Number.NaN };
          const view = model.view(t, value);
          const known = view.learned >= 2 && !Number.isNaN(view.baseline);
          const features = known ? featuresOf(view, previousResidual) : undefined;
          if (features && forest && view.learned >= o.warmup) {
            const expected = view.baseline + view.recentMedian;
            const halfWidth = bandHalfWidth(expected, view.recentScale, o);
            const ratio = Math.max(0, forest.score(features) - 0.5) / (threshold - 0.5);
            last = {
              score: directedScore(value - expected, ratio, o),
              expected,
              lower: expected - halfWidth,
              upper: expected + halfWidth,
            };
          } else {
            last = warmingUp();
          }
          if (features) {
            training.push(features);
            if (training.length > FOREST_TRAINING_POINTS) training.shift();
            if (++sinceFit >= FOREST_REFIT_EVERY || !forest) {
              forest = IsolationForest.fit(training, FOREST_TREES, FOREST_SAMPLE_SIZE, random);
              sinceFit = 0;
            }
          }
          previousResidual = view.residual;
          model.learn(t, value, view.residual);
          return last;
        },
      },
      o.domain,
    );
  },
};

function featuresOf(view: ResidualView, previousResidual: number): Float64Array {
  const scale = view.recentScale > 0 ? view.recentScale : 1;
  const referenceScale = view.referenceScale > 0 ? view.referenceScale : scale;
  const change = Number.isNaN(previousResidual) ? 0 : view.residual - previousResidual;
  const shift = Number.isNaN(view.referenceMedian) ? 0 : (view.shortMedian - view.referenceMedian) / referenceScale;
  return Float64Array.of(clip((view.residual - view.recentMedian) / scale), clip(change / scale), clip(shift));
}

function clip(x: number): number {
  return Math.max(-FEATURE_CLIP, Math.min(FEATURE_CLIP, x));
}

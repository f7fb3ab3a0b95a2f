import { AnomalyLikelihood, tailToScore, upperTail } from './anomaly-likelihood.ts';
import { withinDomain } from './domain.ts';
import { resolveOptions } from './options.ts';
import { decimalQuantum } from './quantum.ts';
import { ResidualModel } from './residual-model.ts';
import { bandHalfWidth, directedScore, warmingUp } from './scoring.ts';
import { beginState, loadPoint, openState, savePoint } from './state.ts';
import { TimeOrder } from './time-order.ts';
import {
  ANOMALY_CLEAR_THRESHOLD,
  ANOMALY_THRESHOLD,
  type Detector,
  type DetectorOptions,
  type OnlineDetector,
  type PointResult,
} from './types.ts';

/** Points learned before the ensemble scores. */
export const ENSEMBLE_DEFAULT_WARMUP = 60;
/** Raw surprise of a deviation of z robust sigmas: z² / (z² + c²), 0.5 at z = c. */
export const RAW_SURPRISE_HALF_SIGMAS = 3;
/**
 * The tail-aware scale (the spread of the 1 % and 99 % residual quantiles)
 * is used up to this many times the MAD scale: heavy tails widen the band,
 * but a burst longer than 1 % of the window (an 8-minute CPU spike) does not
 * blind the detector for the next 256 points. Measured on bench/anomaly
 * (best threshold, real / synthetic), with the record of surprises the point
 * tail had until 2026-12-07: uncapped 32.5 / 62.9, capped at 3: 36.8 / 62.9,
 * at 2: 39.8 / 62.8, MAD only: 44.1 / 60.5; without that record (before the
 * Bonferroni correction): at 3: 63.7 / 62.7, at 2: 66.6 / 62.9, at 1.5:
 * 67.1 / 65.1, at 1.25: 68.3 / 63.6.
 */
export const TAIL_WIDENING_CAP = 1.5;
/** Scale floor, in quanta of the value (see {@link decimalQuantum}). */
export const QUANTUM_SCALE = 0.5;
/**
 * After an alarm, the incident's later points score at most this (between
 * the clear threshold and the alarm threshold: "still anomalous, already
 * alarmed") until the score has fallen under {@link ANOMALY_CLEAR_THRESHOLD}.
 */
export const REFRACTORY_HOLD_SCORE = 0.45;
/** Tails combined by their minimum, so the minimum is multiplied by this (Bonferroni). */
export const TAILS_COMBINED = 2;
/** Sensitivity scales the log tail by this to the power 2·(sensitivity − 0.5): ×2 at 1, ×½ at 0. */
export const SENSITIVITY_GAIN = 2;

/**
 * The default detector: two calibrated tails of the seasonal robust residual
 * (the `seasonal` detector's model: learned period, median baseline, robust
 * scale floored at the data's quantum), combined by their minimum (the larger
 * score) with Bonferroni's correction (×2, so the combination is a tail
 * probability too; bench/anomaly: 67.1 → 66.8 at the best threshold, 65.5 →
 * 66.3 at 0.5 on the real corpus, 65.1 → 65.6 / 64.5 → 64.9 synthetic, 8.31 →
 * 7.72 alarm episodes per unlabeled series per week):
 *
 * - the point tail: 2·Q(z) of the robust z-score; catches a large spike or
 *   step at once, the second and the tenth of their kind as well as the first
 *   (a dip that recurs at the same phase every day is learned by the seasonal
 *   baseline, the median of the last three periods, not by forgetting that
 *   spikes are news: the series' own record of surprises, tried until
 *   2026-12-07, desensitised the detector for 2016 points after each spike —
 *   bench/anomaly real corpus 49.7 with it, 67.1 without, synthetic 66.0 / 65.1);
 * - the anomaly likelihood (Ahmad et al., Neurocomputing 2017) of the raw
 *   surprises z²/(z²+9): the mean of the last 10 against the series' own
 *   long-run distribution of such means, so sustained moderate changes are
 *   caught and a series that is always noisy stops alarming.
 *
 * The score is log(tail)/log(10⁻¹⁰) (0.5 = a tail of 10⁻⁵, the same meaning
 * on every series), and after an alarm the detector holds the incident's
 * points under the alarm threshold until the score has fallen under
 * {@link ANOMALY_CLEAR_THRESHOLD} (one alarm per incident; a level shift becomes normal as the residual median follows
 * it, within the 256-point residual window). Causal, O(256) per point.
 */
export const ensembleDetector: Detector = {
  name: 'ensemble',
  description:
    'seasonal robust residual, point tail and anomaly likelihood (min tail), one alarm per incident; the default',
  create(options?: DetectorOptions): OnlineDetector {
    const o = resolveOptions(options, ENSEMBLE_DEFAULT_WARMUP);
    const gain = SENSITIVITY_GAIN ** (2 * (o.sensitivity - 0.5));
    const model = new ResidualModel();
    const likelihood = new AnomalyLikelihood();
    const order = new TimeOrder();
    let cooling = false;
    let last: PointResult = warmingUp();
    return withinDomain(
      {
        push(t: number, value: number): PointResult {
          order.check(t);
          if (Number.isNaN(value)) return { ...last, score: Number.NaN };
          const view = model.view(t, value);
          if (view.learned < 2 || Number.isNaN(view.baseline)) {
            model.learn(t, value, view.residual);
            last = warmingUp();
            return last;
          }
          const expected = view.baseline + view.recentMedian;
          // Heavy tails widen the scale, at most TAIL_WIDENING_CAP times the MAD's; a series that never moved
          // (MAD = 0) is scaled by half its values' quantum: one step is not news.
          const robust = Math.min(view.recentScale, TAIL_WIDENING_CAP * view.recentMadScale);
          const scale = Math.max(robust, QUANTUM_SCALE * decimalQuantum(value));
          const halfWidth = bandHalfWidth(expected, scale, o);
          const deviation = value - expected;
          const z = Math.abs(deviation) / (halfWidth / o.bandSigmas);
          const raw = (z * z) / (z * z + RAW_SURPRISE_HALF_SIGMAS * RAW_SURPRISE_HALF_SIGMAS);
          const pointTail = 2 * upperTail(z);
          // The smaller of two tail probabilities is not itself one: Bonferroni's correction (×2) makes it one again.
          const tail = Math.min(1, TAILS_COMBINED * Math.min(likelihood.push(raw), pointTail));
          // How unusual the series is now, on either side; the point scores it only on a side the options watch.
          const unusual = view.learned < o.warmup ? 0 : Math.min(1, gain * tailToScore(tail));
          let score = directedScore(deviation, 1, o) === 0 ? 0 : unusual;
          if (cooling) {
            // The refractory period lasts while the series is unusual, whichever side this one point lies on: a
            // point on the expected value, or on an ignored side, while the likelihood still remembers the incident
            // is held too, instead of ending the period and letting the incident's memory alarm a second time.
            if (unusual >= ANOMALY_CLEAR_THRESHOLD) score = Math.min(unusual, REFRACTORY_HOLD_SCORE);
            else cooling = false;
          }
          if (score > ANOMALY_THRESHOLD) cooling = true;
          last = { score, expected, lower: expected - halfWidth, upper: expected + halfWidth };
          model.learn(t, value, view.residual);
          return last;
        },
        snapshot(): Uint8Array {
          const w = beginState('ensemble');
          order.save(w);
          model.save(w);
          likelihood.save(w);
          w.bool(cooling);
          savePoint(w, last);
          return w.finish();
        },
        restore(state: Uint8Array): void {
          const r = openState(state, 'ensemble');
          order.load(r);
          model.load(r);
          likelihood.load(r);
          cooling = r.bool();
          last = loadPoint(r);
          r.end();
        },
      },
      o.domain,
    );
  },
};

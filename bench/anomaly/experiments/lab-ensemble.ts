/**
 * Experiment (not shipped): the default detector (analytics/src/detect/ensemble.ts) re-written with its design
 * choices as knobs, so variants are compared on both corpora in one run (run-lab.ts). DEFAULT_KNOBS score exactly
 * what the shipped ensemble scores on bench/anomaly (checked 2026-12-07); a copy rather than knobs in the shipped
 * code, so the product keeps one plain code path. Includes the variants measured and rejected: the record of
 * surprises (surpriseWindow, forgive), residual clipping, a local predictor, NAB's Gaussian likelihood, a
 * conformal floor of the likelihood, Fisher's and the geometric combination, a fixed rest period and spectral
 * residual (spectral-residual.ts) as a third tail.
 */
import { tailToScore, upperTail, type Detector, type PointResult } from '@hydra/analytics';
import { RollingMoments } from '../../../analytics/src/stats/rolling-moments.ts';
import { RollingOrder } from '../../../analytics/src/stats/rolling-order.ts';
import { decimalQuantum } from '../../../analytics/src/detect/quantum.ts';
import { SeasonalBaseline, insertSorted } from '../../../analytics/src/detect/seasonal-baseline.ts';
import { SpectralResidual } from './spectral-residual.ts';

export interface Knobs {
  tailCap: number;
  /** Residuals are learned clipped to recentMedian ± clip·MAD scale (0 = off). */
  clip: number;
  /** Residual window. */
  window: number;
  likHistory: number;
  likAvg: number;
  likEstimator: 'robust' | 'gauss';
  /** Means learned into a gauss history are clipped at centre + this·spread (0 = off). */
  likClip: number;
  likMinStd: number;
  surpriseWindow: number;
  combine: 'min' | 'lik' | 'point' | 'fisher' | 'geo' | 'bonf';
  hold: number;
  clear: number;
  /** Points after an alarm during which nothing alarms again (0 = hold-until-clear only). */
  rest: number;
  halfSigmas: number;
  rawKind: 'surprise' | 'tail';
  /** Likelihood tail floored by the share of past means at least as large, once more than this many (0 = off). */
  likConformal: number;
  forgive: number;
  surpriseFloor: number;
  /** Agreement with a local predictor (median of the last `local` values): 0 = off. */
  local: number;
  localOn: 'point' | 'both';
  /** Spectral residual: 'off', 'alone' (its calibrated tail only), 'add' (a third tail, Bonferroni ×3). */
  sr: 'off' | 'alone' | 'add' | 'raw';
  /** Correction of the min of tails (1 = none). */
  bonf: number;
  srDelay: number;
}

export const DEFAULT_KNOBS: Knobs = {
  tailCap: 1.5,
  clip: 0,
  window: 256,
  likHistory: 2016,
  likAvg: 10,
  likEstimator: 'robust',
  likMinStd: 0.02,
  surpriseWindow: 1,
  combine: 'min',
  hold: 0.45,
  clear: 0.3,
  rest: 0,
  halfSigmas: 3,
  rawKind: 'surprise',
  likConformal: 0,
  forgive: 1,
  surpriseFloor: 3,
  local: 0,
  localOn: 'both',
  sr: 'off',
  bonf: 2,
  srDelay: 3,
  likClip: 0,
};

class SurpriseHistory {
  private readonly index = new Float64Array(128);
  private readonly z = new Float64Array(128);
  private next = 0;
  private stored = 0;
  private seen = 0;
  private inRun = false;
  constructor(
    readonly window: number,
    private readonly forgive: number,
    private readonly floor: number,
  ) {}
  share(z: number): number {
    if (this.seen === 0 || z < this.floor) return 1;
    const oldest = this.seen - this.window;
    let count = 0;
    for (let k = 0; k < this.stored; k++) {
      if ((this.index[k] as number) >= oldest && (this.z[k] as number) >= z) count++;
    }
    return Math.max(0, count - this.forgive) / Math.min(this.seen, this.window);
  }
  push(z: number): void {
    if (z >= this.floor) {
      if (this.inRun) {
        const last = (this.next + 127) % 128;
        this.z[last] = Math.max(this.z[last] as number, z);
      } else {
        this.index[this.next] = this.seen;
        this.z[this.next] = z;
        this.next = (this.next + 1) % 128;
        this.stored = Math.min(this.stored + 1, 128);
      }
    }
    this.inRun = z >= this.floor;
    this.seen++;
  }
}

/** Anomaly likelihood, parametrised. */
class Likelihood {
  private readonly recent: RollingMoments;
  private readonly history: RollingOrder | RollingMoments;
  private centre = Number.NaN;
  private spread = Number.NaN;
  private since = 0;
  constructor(private readonly k: Knobs) {
    this.recent = new RollingMoments(k.likAvg);
    this.history = k.likEstimator === 'robust' ? new RollingOrder(k.likHistory) : new RollingMoments(k.likHistory);
  }
  push(raw: number): number {
    this.recent.push(raw);
    const mean = this.recent.mean();
    let tail = 1;
    if (this.history.length >= 64) {
      if (Number.isNaN(this.centre) || this.since >= 16) {
        if (this.history instanceof RollingOrder) {
          this.centre = this.history.median();
          this.spread = Math.max(this.history.mad(), this.k.likMinStd);
        } else {
          this.centre = this.history.mean();
          this.spread = Math.max(Math.sqrt(this.history.variance()), this.k.likMinStd);
        }
        this.since = 0;
      }
      tail = upperTail((mean - this.centre) / this.spread);
      if (this.k.likConformal > 0 && this.history instanceof RollingOrder) {
        const h = this.history as unknown as { lowerBound(x: number, n: number): number; length: number };
        const count = h.length - h.lowerBound(mean, h.length);
        if (count > this.k.likConformal) tail = Math.max(tail, count / h.length);
      }
    }
    const learnt =
      this.k.likClip > 0 && Number.isFinite(this.centre)
        ? Math.min(mean, this.centre + this.k.likClip * this.spread)
        : mean;
    this.history.push(learnt);
    this.since++;
    return tail;
  }
}

function robustScale(window: RollingOrder, tailAware = false): number {
  const m = window.mad();
  const tail = tailAware ? (window.quantile(0.99) - window.quantile(0.01)) / 4.653 : 0;
  const scale = Math.max(m > 0 ? m : Math.sqrt(Math.PI / 2) * window.meanAbsoluteDeviation(), tail);
  const resolution = window.resolution(scale);
  return Number.isFinite(resolution) ? Math.max(scale, resolution) : scale;
}

export function labEnsemble(name: string, over: Partial<Knobs>): Detector {
  const k: Knobs = { ...DEFAULT_KNOBS, ...over };
  return {
    name,
    description: 'lab',
    create() {
      const baseline = new SeasonalBaseline();
      let recent = new RollingOrder(k.window);
      let learned = 0;
      const likelihood = new Likelihood(k);
      const surprises = new SurpriseHistory(k.surpriseWindow, k.forgive, k.surpriseFloor);
      let cooling = false;
      let rest = 0;
      let last: PointResult = { score: 0, expected: NaN, lower: NaN, upper: NaN };
      const lastValues: number[] = [];
      const localResiduals = new RollingOrder(k.window);
      const lv = new Float64Array(64);
      const sr = new SpectralResidual(59, 5, 3, 21, k.srDelay);
      const srHistory = new RollingOrder(2016);
      const learn = (t: number, value: number, residual: number, median: number, mad: number) => {
        if (!Number.isNaN(residual)) {
          let r = residual;
          if (k.clip > 0 && mad > 0 && Number.isFinite(median)) {
            r = Math.min(median + k.clip * mad, Math.max(median - k.clip * mad, r));
          }
          recent.push(r);
          learned++;
        }
        if (baseline.push(t, value)) {
          const rs = baseline.recentResiduals(k.window);
          recent = new RollingOrder(k.window);
          learned = 0;
          for (const x of rs) {
            if (Number.isNaN(x)) continue;
            recent.push(x);
            learned++;
          }
        }
      };
      return {
        push(t: number, value: number): PointResult {
          if (Number.isNaN(value)) return { ...last, score: NaN };
          const b = baseline.at(t);
          const residual = value - b;
          if (learned < 2 || Number.isNaN(b)) {
            learn(t, value, residual, NaN, 0);
            last = { score: 0, expected: NaN, lower: NaN, upper: NaN };
            return last;
          }
          const median = recent.median();
          const madScale = robustScale(recent);
          const tailScale = k.tailCap > 0 ? robustScale(recent, true) : madScale;
          const expected = b + median;
          const robust = Math.min(tailScale, Math.max(1, k.tailCap) * madScale);
          const scale = Math.max(robust, 0.5 * decimalQuantum(value), 1e-12, 1e-9 * Math.abs(expected));
          const deviation = value - expected;
          let z = Math.abs(deviation) / scale;
          let zPoint = z;
          if (k.local > 0 && lastValues.length >= k.local && localResiduals.length >= 30) {
            for (let i = 0; i < lastValues.length; i++) insertSorted(lv, i, lastValues[i] as number);
            const m = lastValues.length;
            const localMedian =
              m % 2 ? (lv[m >> 1] as number) : ((lv[(m >> 1) - 1] as number) + (lv[m >> 1] as number)) / 2;
            const lr = value - localMedian;
            const lscale = Math.max(
              Math.min(robustScale(localResiduals, true), Math.max(1, k.tailCap) * robustScale(localResiduals)),
              0.5 * decimalQuantum(value),
              1e-12,
              1e-9 * Math.abs(localMedian),
            );
            const zl = Math.abs(lr - localResiduals.median()) / lscale;
            zPoint = Math.min(z, zl);
            if (k.localOn === 'both') z = zPoint;
          }
          if (k.local > 0) {
            if (lastValues.length >= 3) {
              for (let i = 0; i < lastValues.length; i++) insertSorted(lv, i, lastValues[i] as number);
              const m = lastValues.length;
              const localMedian =
                m % 2 ? (lv[m >> 1] as number) : ((lv[(m >> 1) - 1] as number) + (lv[m >> 1] as number)) / 2;
              localResiduals.push(value - localMedian);
            }
            lastValues.push(value);
            if (lastValues.length > k.local) lastValues.shift();
          }
          const c = k.halfSigmas;
          const raw = k.rawKind === 'surprise' ? (z * z) / (z * z + c * c) : 1 - 2 * upperTail(z);
          const pointTail = Math.max(2 * upperTail(zPoint), surprises.share(zPoint));
          surprises.push(zPoint);
          const likTail = likelihood.push(raw);
          let srTail = 1;
          let srRaw = 0;
          if (k.sr !== 'off') {
            const o = sr.push(value);
            if (!Number.isNaN(o)) {
              srRaw = o;
              if (srHistory.length >= 64) {
                const spread = Math.max(srHistory.mad(), 1e-9);
                srTail = Math.min(1, 2 * upperTail(Math.abs(o - srHistory.median()) / spread));
              }
              srHistory.push(o);
            }
          }
          let tail: number;
          switch (k.combine) {
            case 'lik':
              tail = likTail;
              break;
            case 'point':
              tail = pointTail;
              break;
            case 'fisher': {
              // product of two tails, corrected: P(U1·U2 ≤ p) = p(1 − ln p)
              const p = Math.max(1e-300, likTail * pointTail);
              tail = Math.min(1, p * (1 - Math.log(p)));
              break;
            }
            case 'bonf':
              tail = Math.min(1, 2 * Math.min(likTail, pointTail));
              break;
            case 'geo':
              tail = Math.sqrt(likTail * pointTail);
              break;
            default:
              tail = Math.min(1, k.bonf * Math.min(likTail, pointTail));
          }
          if (k.sr === 'alone') tail = srTail;
          else if (k.sr === 'add') tail = Math.min(1, 3 * Math.min(likTail, pointTail, srTail));
          let unusual = learned < 60 ? 0 : Math.min(1, tailToScore(tail));
          if (k.sr === 'raw') unusual = learned < 60 ? 0 : Math.max(0, srRaw) / (Math.max(0, srRaw) + 3);
          let score = unusual;
          if (rest > 0) {
            rest--;
            score = Math.min(score, k.hold);
          } else if (cooling) {
            if (unusual >= k.clear) score = Math.min(unusual, k.hold);
            else cooling = false;
          }
          if (score > 0.5) {
            cooling = true;
            rest = k.rest;
          }
          last = { score, expected, lower: expected - 4 * scale, upper: expected + 4 * scale };
          learn(t, value, residual, median, madScale);
          return last;
        },
      };
    },
  };
}

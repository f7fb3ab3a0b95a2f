import { RollingOrder } from '../stats/rolling-order.ts';
import { SeasonalBaseline, insertSorted } from './seasonal-baseline.ts';
import type { StateReader, StateWriter } from './state.ts';

/** Residuals remembered for the robust location and scale. */
export const RESIDUAL_WINDOW = 256;
/** Recent residuals whose median is compared with the older ones to find level shifts. */
export const SHIFT_SHORT_POINTS = 5;
/** Tail quantile used to widen the scale for heavy-tailed noise ... */
export const TAIL_QUANTILE = 0.01;
/** ... and the spread between the 1 % and 99 % quantiles of a standard normal (2 · 2.326). */
export const TAIL_SPREAD_NORMAL = 4.653;
/** Converts a mean absolute deviation to a standard deviation for normal data: √(π/2). */
export const MEAN_ABS_DEV_NORMAL_SCALE = Math.sqrt(Math.PI / 2);

/** What the model knows about a point before learning it. */
export interface ResidualView {
  /** Seasonal baseline (0 without seasonality, NaN when a season is known but no value a period back is). */
  baseline: number;
  /** value − baseline. */
  residual: number;
  /** Median and robust scale of all recent residuals (before this point). */
  recentMedian: number;
  recentScale: number;
  /** Robust scale of the recent residuals without the tail widening (MAD, quantum-floored). */
  recentMadScale: number;
  /** Median and robust scale of the residuals older than the short window. */
  referenceMedian: number;
  referenceScale: number;
  /** Median of the short window including this point's residual. */
  shortMedian: number;
  /** Residuals learned so far. */
  learned: number;
}

/**
 * A seasonal baseline plus robust statistics of what is left: the shared
 * state of the seasonal, level-shift and ensemble detectors. Causal: `view`
 * uses only points already learned (and the point itself for the short
 * median); `learn` adds the point.
 */
export class ResidualModel {
  private readonly baseline = new SeasonalBaseline();
  private recent = new RollingOrder(RESIDUAL_WINDOW);
  private reference = new RollingOrder(RESIDUAL_WINDOW);
  private short: number[] = [];
  private learned = 0;
  private readonly shortSorted = new Float64Array(SHIFT_SHORT_POINTS);

  /** The seasonal period in use, in milliseconds (0 = none). */
  get periodMs(): number {
    return this.baseline.periodMs;
  }

  /** The statistics for scoring `value` at `t` (value must not be NaN). */
  view(t: number, value: number): ResidualView {
    const baseline = this.baseline.at(t);
    const residual = value - baseline;
    const window = this.shortSorted;
    for (let i = 0; i < this.short.length; i++) insertSorted(window, i, this.short[i] as number);
    insertSorted(window, this.short.length, residual);
    const size = this.short.length + 1;
    const mid = size >> 1;
    const shortMedian =
      size % 2 === 1 ? (window[mid] as number) : ((window[mid - 1] as number) + (window[mid] as number)) / 2;
    return {
      baseline,
      residual,
      recentMedian: this.recent.median(),
      recentScale: robustScale(this.recent, true),
      recentMadScale: robustScale(this.recent),
      referenceMedian: this.reference.median(),
      referenceScale: robustScale(this.reference),
      shortMedian,
      learned: this.learned,
    };
  }

  /** Learns the point (value must not be NaN; pass the view's residual). */
  learn(t: number, value: number, residual: number): void {
    if (!Number.isNaN(residual)) this.addResidual(residual);
    if (this.baseline.push(t, value)) this.rebuild();
  }

  private addResidual(residual: number): void {
    this.recent.push(residual);
    this.short.push(residual);
    if (this.short.length >= SHIFT_SHORT_POINTS) this.reference.push(this.short.shift() as number);
    this.learned++;
  }

  /** Writes the baseline and the residual windows. */
  save(w: StateWriter): void {
    this.baseline.save(w);
    this.recent.save(w);
    this.reference.save(w);
    w.f64s(this.short);
    w.f64(this.learned);
  }

  /** Reads what `save` wrote. */
  load(r: StateReader): void {
    this.baseline.load(r);
    this.recent.load(r);
    this.reference.load(r);
    this.short = Array.from(r.f64s());
    this.learned = r.f64();
  }

  /** After a period change, recomputes the residual windows under the new baseline. */
  private rebuild(): void {
    const residuals = this.baseline.recentResiduals(RESIDUAL_WINDOW + SHIFT_SHORT_POINTS);
    this.recent = new RollingOrder(RESIDUAL_WINDOW);
    this.reference = new RollingOrder(RESIDUAL_WINDOW);
    this.short = [];
    this.learned = 0;
    for (const r of residuals) if (!Number.isNaN(r)) this.addResidual(r);
  }
}

/**
 * Robust standard deviation of a window: 1.4826·MAD, or, when more than half
 * the values are equal (MAD = 0, common for counters), √(π/2) times the mean
 * absolute deviation, so rare changes still have a scale. Never below the
 * data's resolution (the smallest step between its values, 1 for counts):
 * a move by one quantum is never an anomaly by itself. With `tailAware`,
 * also never below the spread of the 1 % and 99 % quantiles in normal
 * units: heavy-tailed noise (latencies) widens the band instead of raising
 * alarms, while Gaussian noise gives the same scale either way. (Used for
 * the point band; the level-shift reference keeps the pure MAD, as a median
 * of five points is not heavy-tailed.)
 */
export function robustScale(window: RollingOrder, tailAware = false): number {
  const m = window.mad();
  const tail = tailAware
    ? (window.quantile(1 - TAIL_QUANTILE) - window.quantile(TAIL_QUANTILE)) / TAIL_SPREAD_NORMAL
    : 0;
  const scale = Math.max(m > 0 ? m : MEAN_ABS_DEV_NORMAL_SCALE * window.meanAbsoluteDeviation(), tail);
  const resolution = window.resolution(scale);
  return Number.isFinite(resolution) ? Math.max(scale, resolution) : scale;
}

/**
 * The one detector contract. Every detector scores a series point by point,
 * causally: the output at index i depends only on points 0..i, so appending
 * future points never changes earlier outputs, and the same code serves
 * backtesting (`detect`) and live scoring (`OnlineDetector.push`).
 */

/** How eager a detector is to flag: 0..1 (1 = most alarms) or a named level. */
export type Sensitivity = number | 'low' | 'medium' | 'high';

/** Which deviations count: values above the expected one, below it, or both. */
export type Direction = 'above' | 'below' | 'both';

/** Controls in users' terms, shared by every detector. */
export interface DetectorOptions {
  /** Band width: higher sensitivity means a narrower band and more alarms. Default 'medium'. */
  sensitivity?: Sensitivity;
  /** Which side of the band alarms. Default 'both'. */
  direction?: Direction;
  /** Deviations from the expected value smaller than this (in the series' unit) score 0. Default 0. */
  minDeviation?: number;
  /** Points to learn from before scoring anything (scores are 0 until then). Default per detector. */
  warmup?: number;
  /**
   * The range the metric's values can take (a utilization's [0, 1], a
   * count's [0, ∞)): expected values and bands are clamped into it. Default
   * unbounded. See `valueDomainOf`.
   */
  domain?: ValueDomain;
}

/** A closed range of values; a missing bound is unbounded. */
export interface ValueDomain {
  min?: number;
  max?: number;
}

/** A series: ascending epoch-millisecond timestamps and values (NaN = missing). */
export interface SeriesInput {
  timestamps: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** The outcome for one point. */
export interface PointResult {
  /**
   * 0..1; above {@link ANOMALY_THRESHOLD} means an anomaly (an alarm). For the
   * band detectors (zscore, mad, seasonal, level-shift) that is exactly when the
   * value is outside [lower, upper] on an alarmed side; the calibrated ones
   * (likelihood, ensemble) score how unlikely the recent behaviour is for the
   * series, and stay quiet after an alarm until the deviation clears, so a
   * point can be outside the band with a low score. 0 during warm-up, NaN for
   * a NaN value.
   */
  score: number;
  /** What the detector expected at this point (NaN until it knows). */
  expected: number;
  /** Lower edge of the normal band (NaN until known). */
  lower: number;
  /** Upper edge of the normal band (NaN until known). */
  upper: number;
}

/** Per-point outputs for a whole series, index-aligned with the input. */
export interface DetectionResult {
  score: Float64Array;
  expected: Float64Array;
  lower: Float64Array;
  upper: Float64Array;
}

/**
 * A running detector: feed points in time order, get each point's result.
 * Its state is everything seen so far, so a live job can keep one per
 * series, or rebuild it by replaying the last `warmup`-plus-window points.
 */
export interface OnlineDetector {
  /**
   * Scores the point and then learns from it. Timestamps must not decrease
   * (throws a RangeError naming both timestamps); a NaN value is scored NaN
   * and not learned from.
   */
  push(timestamp: number, value: number): PointResult;
  /**
   * Its state as compact bytes (see state.ts: versioned, float64 bits kept), so a job can save it with its
   * checkpoint; absent on detectors whose state cannot be saved (those are rebuilt by replaying history).
   */
  snapshot?(): Uint8Array;
  /**
   * Takes the state `snapshot` returned, on a detector just created with the same options: afterwards it scores
   * exactly what the detector that was saved would have. Throws a DetectorStateError for a state of another
   * version or detector (rebuild by replaying then).
   */
  restore?(state: Uint8Array): void;
}

/** A named detector: a factory for online detectors. */
export interface Detector {
  /** Stable identifier (used by `--detector`, monitor specs, the bench). */
  readonly name: string;
  /** One line on what it is good at. */
  readonly description: string;
  /** A fresh online detector with the given options (throws on invalid options, naming the field). */
  create(options?: DetectorOptions): OnlineDetector;
}

/** A score strictly above this means "outside the band": the alarm threshold for every detector. */
export const ANOMALY_THRESHOLD = 0.5;
/**
 * Below this score an anomaly is over (hysteresis: alerts resolve under it).
 * The ensemble holds the points of an ongoing incident after its one alarm
 * between this and {@link ANOMALY_THRESHOLD}, so an alert with a `for`
 * duration can still fire while the deviation lasts.
 */
export const ANOMALY_CLEAR_THRESHOLD = 0.3;

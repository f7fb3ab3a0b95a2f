import { typicalInterval } from '../stats/interval.ts';
import { dominantPeriodMs } from './periodicity.ts';
import type { StateReader, StateWriter } from './state.ts';
import { TimeRing } from './time-ring.ts';

/** History kept per series: three weeks of one-minute points. */
export const SEASONAL_HISTORY_POINTS = 30_240;
/** How many past seasons vote (by median) on the seasonal baseline. */
export const SEASONS_REMEMBERED = 3;
/** Each past season votes with the points within this many intervals of the same phase, for a steadier baseline. */
export const PHASE_NEIGHBOURHOOD = 2;
/** The period is first searched after this many points ... */
export const FIRST_PERIOD_SEARCH_AT = 128;
/** ... then each time the count grows by this factor (so a weekly cycle is found soon after 2.5 weeks) ... */
export const PERIOD_SEARCH_GROWTH = 1.25;
/** ... and at least every this many points. */
export const MAX_PERIOD_SEARCH_SPACING = 8_192;
/** Points used to estimate the sampling interval. */
export const INTERVAL_SAMPLE_POINTS = 1024;

/**
 * The seasonal part of a series, learned causally: the period is searched in
 * the history seen so far (at 128 points, then each time the count grows by a quarter) and the baseline at
 * time t is the median of the values one, two and three periods earlier,
 * each with its two neighbours on either side (matched by time, so gaps and irregular sampling are fine). With no
 * period, or no value a period back, the baseline is 0, so residual =
 * value and downstream scorers see the raw series.
 */
export class SeasonalBaseline {
  private readonly history = new TimeRing(SEASONAL_HISTORY_POINTS);
  private seen = 0;
  private nextSearch = FIRST_PERIOD_SEARCH_AT;
  private intervalMs = Number.NaN;
  private readonly votes = new Float64Array(SEASONS_REMEMBERED * (2 * PHASE_NEIGHBOURHOOD + 1));
  /** The current period in milliseconds (0 = none found). */
  periodMs = 0;

  /** Baseline at time `t` from the points before it (the first `end` of the history). */
  at(t: number, end = this.history.length): number {
    if (this.periodMs === 0) return 0;
    const votes = this.votes;
    let count = 0;
    const tolerance = this.intervalMs / 2;
    for (let k = 1; k <= SEASONS_REMEMBERED; k++) {
      const i = this.history.nearest(t - k * this.periodMs, tolerance, end);
      if (i < 0) continue;
      const from = Math.max(0, i - PHASE_NEIGHBOURHOOD);
      const to = Math.min(end - 1, i + PHASE_NEIGHBOURHOOD);
      for (let j = from; j <= to; j++) insertSorted(votes, count++, this.history.valueAt(j));
    }
    if (count === 0) return Number.NaN;
    const mid = count >> 1;
    return count % 2 === 1 ? (votes[mid] as number) : ((votes[mid - 1] as number) + (votes[mid] as number)) / 2;
  }

  /**
   * Learns a (non-NaN) point; returns true when the period changed, in
   * which case residuals computed before are stale (see `recentResiduals`).
   */
  push(t: number, v: number): boolean {
    this.history.push(t, v);
    this.seen++;
    if (this.seen < this.nextSearch) return false;
    this.nextSearch += Math.min(Math.ceil(this.nextSearch * (PERIOD_SEARCH_GROWTH - 1)), MAX_PERIOD_SEARCH_SPACING);
    return this.searchPeriod();
  }

  /** Writes the history and the period search's bookkeeping. */
  save(w: StateWriter): void {
    this.history.save(w);
    w.f64(this.seen);
    w.f64(this.nextSearch);
    w.f64(this.intervalMs);
    w.f64(this.periodMs);
  }

  /** Reads what `save` wrote. */
  load(r: StateReader): void {
    this.history.load(r);
    this.seen = r.f64();
    this.nextSearch = r.f64();
    this.intervalMs = r.f64();
    this.periodMs = r.f64();
  }

  /**
   * Residuals (value − baseline) of the last `count` points of the history
   * under the current period, each from the points before it; NaN where no
   * baseline exists.
   */
  recentResiduals(count: number): Float64Array {
    const n = this.history.length;
    const from = Math.max(0, n - count);
    const out = new Float64Array(n - from);
    for (let i = from; i < n; i++) out[i - from] = this.history.valueAt(i) - this.at(this.history.timeAt(i), i);
    return out;
  }

  private searchPeriod(): boolean {
    const n = this.history.length;
    const sampleFrom = Math.max(0, n - INTERVAL_SAMPLE_POINTS);
    const times = new Float64Array(n - sampleFrom);
    for (let i = sampleFrom; i < n; i++) times[i - sampleFrom] = this.history.timeAt(i);
    this.intervalMs = typicalInterval(times);
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = this.history.valueAt(i);
    const found = dominantPeriodMs(values, this.intervalMs);
    const changed = found !== this.periodMs;
    this.periodMs = found;
    return changed;
  }
}

/** Inserts `x` into the ascending prefix `sorted[0..count)` (insertion sort step; small arrays). */
export function insertSorted(sorted: Float64Array, count: number, x: number): void {
  let j = count;
  while (j > 0 && (sorted[j - 1] as number) > x) {
    sorted[j] = sorted[j - 1] as number;
    j--;
  }
  sorted[j] = x;
}

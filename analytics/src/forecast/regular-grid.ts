/**
 * Puts an observed series on a regular grid before fitting: the step is the median spacing of the
 * timestamps, each point is snapped to the nearest grid slot (points that land in the same slot are
 * averaged), and empty slots — gaps, or points whose value was missing — are filled by linear
 * interpolation between their nearest observed neighbours. Models therefore always see a complete,
 * evenly spaced series; the counts of merged and filled slots are returned so callers can report them.
 * O(n log n). Throws a `RangeError` naming the problem for unusable input.
 */
/** Refuse grids longer than this (a stray timestamp far from the rest would otherwise allocate gigabytes). */
export const MAX_GRID_POINTS = 1_000_000;
/** Refuse series where more than this share of the grid would be invented by interpolation. */
export const MAX_FILLED_FRACTION = 0.5;

export interface RegularSeries {
  /** Time of slot 0, in the input's unit (step index or epoch milliseconds). */
  start: number;
  /** Grid spacing in the input's unit. */
  step: number;
  values: number[];
  /** Slots that had no finite observation and were interpolated. */
  filled: number;
  /** Observations that shared a slot with another and were averaged into it. */
  merged: number;
}

/** Builds the regular grid for points `(times[i], values[i])`; non-finite values count as missing. */
export function regularize(times: readonly number[], values: readonly number[], step?: number): RegularSeries {
  if (times.length !== values.length)
    throw new RangeError(`regularize: ${times.length} times but ${values.length} values`);
  if (times.length === 0) throw new RangeError('regularize: the series has no points');
  const order = times.map((_, i) => i).sort((a, b) => (times[a] as number) - (times[b] as number));
  const sorted = order.map((i) => times[i] as number);
  const gridStep = step ?? medianSpacing(sorted);
  if (!(gridStep > 0) || !Number.isFinite(gridStep))
    throw new RangeError(`regularize: grid step must be a positive number, got ${gridStep}`);
  const start = sorted[0] as number;
  const length = Math.round(((sorted[sorted.length - 1] as number) - start) / gridStep) + 1;
  if (length > MAX_GRID_POINTS) {
    throw new RangeError(
      `regularize: timestamps span ${length} steps of ${gridStep}, more than the limit of ${MAX_GRID_POINTS}`,
    );
  }
  const sums = new Float64Array(length);
  const counts = new Uint32Array(length);
  let merged = 0;
  for (const i of order) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) continue;
    const slot = Math.round(((times[i] as number) - start) / gridStep);
    if (counts[slot]! > 0) merged++;
    sums[slot] = (sums[slot] as number) + v;
    counts[slot] = (counts[slot] as number) + 1;
  }
  const out = new Array<number>(length).fill(Number.NaN);
  let observed = 0;
  for (let s = 0; s < length; s++) {
    if (counts[s]! > 0) {
      out[s] = (sums[s] as number) / (counts[s] as number);
      observed++;
    }
  }
  if (observed === 0) throw new RangeError('regularize: the series has no finite values');
  const filled = length - observed;
  if (filled / length > MAX_FILLED_FRACTION) {
    throw new RangeError(
      `regularize: ${filled} of ${length} grid slots are missing (more than ${MAX_FILLED_FRACTION * 100}%): the series is too sparse to forecast`,
    );
  }
  interpolateGaps(out);
  return { start, step: gridStep, values: out, filled, merged };
}

/** Median of the positive differences between sorted times; 1 when there are none (a single point). */
function medianSpacing(sorted: readonly number[]): number {
  const diffs: number[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const d = (sorted[i] as number) - (sorted[i - 1] as number);
    if (d > 0) diffs.push(d);
  }
  if (diffs.length === 0) return 1;
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor((diffs.length - 1) / 2)] as number;
}

/** Fills NaN runs in place: linearly between neighbours, flat at the ends. */
function interpolateGaps(values: number[]): void {
  let prev = -1;
  for (let i = 0; i <= values.length; i++) {
    if (i < values.length && Number.isNaN(values[i])) continue;
    if (i - prev > 1) {
      const left = prev >= 0 ? (values[prev] as number) : (values[i] as number);
      const right = i < values.length ? (values[i] as number) : left;
      for (let j = prev + 1; j < i; j++) {
        const w = prev >= 0 && i < values.length ? (j - prev) / (i - prev) : 0;
        values[j] = left + w * (right - left);
      }
    }
    prev = i;
  }
}

import type { StateReader, StateWriter } from './state.ts';

/** Points a ring holds before its arrays first grow. */
const INITIAL_POINTS = 1_024;

/**
 * The last `capacity` (timestamp, value) pairs in time order, with lookup of
 * the value nearest to a time by binary search (O(log n)). The arrays grow
 * (doubling) up to `capacity` as points arrive: a detector made for three
 * weeks of history does not allocate them up front (a job creates one per
 * series per pass).
 */
export class TimeRing {
  private times: Float64Array;
  private vals: Float64Array;
  private start = 0;
  private count = 0;

  /** `capacity` must be a positive integer. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`TimeRing: capacity must be a positive integer, got ${capacity}`);
    this.times = new Float64Array(Math.min(capacity, INITIAL_POINTS));
    this.vals = new Float64Array(Math.min(capacity, INITIAL_POINTS));
  }

  /** Room for `n` points (start is 0 until the ring is full at capacity, so the prefix is copied as it is). */
  private reserve(n: number): void {
    if (n <= this.times.length) return;
    let size = this.times.length;
    while (size < n) size = Math.min(this.capacity, size * 2);
    const times = new Float64Array(size);
    const vals = new Float64Array(size);
    times.set(this.times.subarray(0, this.count));
    vals.set(this.vals.subarray(0, this.count));
    this.times = times;
    this.vals = vals;
  }

  get length(): number {
    return this.count;
  }

  /** Appends a point (time order is the caller's duty), evicting the oldest when full. */
  push(t: number, v: number): void {
    if (this.count === this.times.length && this.count < this.capacity) this.reserve(this.count + 1);
    const at = (this.start + this.count) % this.capacity;
    this.times[at] = t;
    this.vals[at] = v;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** Timestamp of the i-th oldest point. */
  timeAt(i: number): number {
    return this.times[(this.start + i) % this.capacity] as number;
  }

  /** Value of the i-th oldest point. */
  valueAt(i: number): number {
    return this.vals[(this.start + i) % this.capacity] as number;
  }

  /** Writes the points, oldest first (regular timestamps as runs). */
  save(w: StateWriter): void {
    const times = new Float64Array(this.count);
    const vals = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) {
      times[i] = this.timeAt(i);
      vals[i] = this.valueAt(i);
    }
    w.times(times);
    w.f64s(vals);
  }

  /** Reads what `save` wrote (into a ring of the same capacity). */
  load(r: StateReader): void {
    const times = r.times();
    const vals = r.f64s();
    if (times.length !== vals.length || times.length > this.capacity)
      throw new RangeError(`TimeRing state: ${times.length} times, ${vals.length} values, capacity ${this.capacity}`);
    this.start = 0;
    this.count = 0;
    this.reserve(times.length);
    this.times.set(times);
    this.vals.set(vals);
    this.count = times.length;
  }

  /** Index of the point nearest to `t` among the first `end` points, if within `tolerance`; -1 otherwise. */
  nearest(t: number, tolerance: number, end = this.count): number {
    let lo = 0;
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) < t) lo = mid + 1;
      else hi = mid;
    }
    let best = -1;
    let bestDistance = tolerance;
    for (const i of [lo - 1, lo]) {
      if (i < 0 || i >= end) continue;
      const d = Math.abs(this.timeAt(i) - t);
      if (d <= bestDistance) {
        best = i;
        bestDistance = d;
      }
    }
    return best;
  }
}

import type { StateReader, StateWriter } from './state.ts';

/**
 * The last `capacity` (timestamp, value) pairs in time order, with lookup of
 * the value nearest to a time by binary search (O(log n)).
 */
export class TimeRing {
  private readonly times: Float64Array;
  private readonly vals: Float64Array;
  private start = 0;
  private count = 0;

  /** `capacity` must be a positive integer. */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`TimeRing: capacity must be a positive integer, got ${capacity}`);
    this.times = new Float64Array(capacity);
    this.vals = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a point (time order is the caller's duty), evicting the oldest when full. */
  push(t: number, v: number): void {
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
    this.times.set(times);
    this.vals.set(vals);
    this.start = 0;
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

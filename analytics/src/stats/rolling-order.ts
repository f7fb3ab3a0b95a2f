import type { StateReader, StateWriter } from '../detect/state.ts';
import { MAD_NORMAL_SCALE } from './order.ts';

/**
 * The last `size` values kept both in arrival order (a ring) and sorted, so
 * the median and quantiles are O(1) and the MAD is O(size) after an
 * O(size) insert. Good for windows up to a few thousand values.
 */
export class RollingOrder {
  // Grown (doubling) up to `size` as values arrive: a job creates a detector per series per pass.
  private ring: Float64Array;
  private sorted: Float64Array;
  private next = 0;
  private count = 0;

  /** `size` is the window length; throws unless it is a positive integer. */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1)
      throw new RangeError(`RollingOrder: size must be a positive integer, got ${size}`);
    this.ring = new Float64Array(Math.min(size, 64));
    this.sorted = new Float64Array(Math.min(size, 64));
  }

  /** Room for `n` values (the ring does not wrap before it is full at `size`, so the prefix is copied as it is). */
  private reserve(n: number): void {
    if (n <= this.ring.length) return;
    let length = this.ring.length;
    while (length < n) length = Math.min(this.size, length * 2);
    const ring = new Float64Array(length);
    const sorted = new Float64Array(length);
    ring.set(this.ring.subarray(0, this.count));
    sorted.set(this.sorted.subarray(0, this.count));
    this.ring = ring;
    this.sorted = sorted;
  }

  /** Number of values in the window (at most `size`). */
  get length(): number {
    return this.count;
  }

  /** Adds `x` (must not be NaN), evicting the oldest value when full. */
  push(x: number): void {
    if (this.count === this.ring.length && this.count < this.size) this.reserve(this.count + 1);
    if (this.count === this.size) {
      const old = this.ring[this.next] as number;
      const at = this.lowerBound(old, this.count);
      this.sorted.copyWithin(at, at + 1, this.count);
      this.count--;
    }
    const at = this.lowerBound(x, this.count);
    this.sorted.copyWithin(at + 1, at, this.count);
    this.sorted[at] = x;
    this.count++;
    this.ring[this.next] = x;
    this.next = (this.next + 1) % this.size;
  }

  /** Quantile `p` (type 7) of the window, NaN when empty. */
  quantile(p: number): number {
    if (this.count === 0) return Number.NaN;
    const h = (this.count - 1) * p;
    const lo = Math.floor(h);
    const a = this.sorted[lo] as number;
    return lo + 1 >= this.count ? a : a + (h - lo) * ((this.sorted[lo + 1] as number) - a);
  }

  /** Median of the window, NaN when empty. */
  median(): number {
    return this.quantile(0.5);
  }

  /**
   * Scaled MAD of the window (default scale 1.4826), NaN when empty. Walks
   * outward from the median over the sorted values: O(size), no allocation.
   */
  mad(scale = MAD_NORMAL_SCALE): number {
    const n = this.count;
    if (n === 0) return Number.NaN;
    const m = this.median();
    // The k-th and (k+1)-th smallest |x - m| (k = floor((n-1)/2)), merged outward from both sides.
    const k = (n - 1) >> 1;
    let left = this.lowerBound(m, n) - 1;
    let right = left + 1;
    let kth = 0;
    let next = 0;
    for (let step = 0; step <= k + 1 && step < n; step++) {
      const dl = left >= 0 ? m - (this.sorted[left] as number) : Infinity;
      const dr = right < n ? (this.sorted[right] as number) - m : Infinity;
      let d: number;
      if (dl <= dr) {
        d = dl;
        left--;
      } else {
        d = dr;
        right++;
      }
      if (step === k) kth = d;
      else if (step === k + 1) next = d;
    }
    return scale * (n % 2 === 1 ? kth : (kth + next) / 2);
  }

  /** Mean absolute deviation from the median, O(size); NaN when empty. */
  meanAbsoluteDeviation(): number {
    if (this.count === 0) return Number.NaN;
    const m = this.median();
    let total = 0;
    for (let i = 0; i < this.count; i++) total += Math.abs((this.sorted[i] as number) - m);
    return total / this.count;
  }

  /**
   * The resolution of the window: the smallest positive difference between
   * two of its values (1 for integer counts), Infinity with fewer than two
   * distinct values. With `enough`, stops at the first positive difference
   * not above it (returning that difference): callers that only need to know
   * whether the resolution exceeds a bound then pay O(1) on continuous data.
   * O(size) at worst.
   */
  resolution(enough = 0): number {
    let smallest = Infinity;
    for (let i = 1; i < this.count; i++) {
      const d = (this.sorted[i] as number) - (this.sorted[i - 1] as number);
      if (d > 0 && d < smallest) {
        smallest = d;
        if (d <= enough) break;
      }
    }
    return smallest;
  }

  /** Writes the window (oldest first; the sorted copy too only when it holds NaN or -0, else it is re-sorted). */
  save(w: StateWriter): void {
    const values = new Float64Array(this.count);
    const oldest = this.count === this.size ? this.next : 0;
    let unusual = false;
    for (let i = 0; i < this.count; i++) {
      const x = this.ring[(oldest + i) % this.size] as number;
      values[i] = x;
      if (Number.isNaN(x) || Object.is(x, -0)) unusual = true;
    }
    w.f64s(values);
    w.bool(unusual);
    if (unusual) w.f64s(this.sorted.subarray(0, this.count));
  }

  /** Reads what `save` wrote (into a window of the same size). */
  load(r: StateReader): void {
    const values = r.f64s();
    if (values.length > this.size)
      throw new RangeError(`RollingOrder state: ${values.length} values for size ${this.size}`);
    this.count = 0;
    this.reserve(values.length);
    this.ring.set(values);
    this.count = values.length;
    this.next = this.count % this.size;
    if (r.bool()) {
      const sorted = r.f64s();
      if (sorted.length !== this.count) throw new RangeError('RollingOrder state: sorted copy of another length');
      this.sorted.set(sorted);
    } else {
      // Without NaN and -0, equal values are equal bits: sorting gives back exactly the window's sorted copy.
      this.sorted.set(values.sort());
    }
  }

  private lowerBound(x: number, n: number): number {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.sorted[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

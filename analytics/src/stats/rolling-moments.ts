import type { StateReader, StateWriter } from '../detect/state.ts';
import { CompensatedSum } from './summation.ts';

/**
 * Mean and variance over the last `size` values, updated in O(1) per value.
 * Sums are taken around a shift (the first value seen) with compensated
 * summation, which avoids the catastrophic cancellation of the textbook
 * Σx² − (Σx)²/n formula when values are large and close together.
 */
export class RollingMoments {
  private readonly ring: Float64Array;
  private next = 0;
  private count = 0;
  private shift = Number.NaN;
  private readonly sum = new CompensatedSum();
  private readonly squares = new CompensatedSum();

  /** `size` is the window length; throws unless it is an integer ≥ 2. */
  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 2)
      throw new RangeError(`RollingMoments: size must be an integer >= 2, got ${size}`);
    this.ring = new Float64Array(size);
  }

  /** Number of values in the window (at most `size`). */
  get length(): number {
    return this.count;
  }

  /** Adds `x`, evicting the oldest value when the window is full. */
  push(x: number): void {
    if (Number.isNaN(this.shift)) this.shift = x;
    const d = x - this.shift;
    if (this.count === this.size) {
      const old = (this.ring[this.next] as number) - this.shift;
      this.sum.add(-old);
      this.squares.add(-old * old);
    } else {
      this.count++;
    }
    this.ring[this.next] = x;
    this.next = (this.next + 1) % this.size;
    this.sum.add(d);
    this.squares.add(d * d);
  }

  /** Mean of the window, NaN when empty. */
  /** Writes the window (oldest first) and the accumulators, exactly. */
  save(w: StateWriter): void {
    const values = new Float64Array(this.count);
    const oldest = this.count === this.size ? this.next : 0;
    for (let i = 0; i < this.count; i++) values[i] = this.ring[(oldest + i) % this.size] as number;
    w.f64s(values);
    w.f64(this.shift);
    for (const x of [...this.sum.parts, ...this.squares.parts]) w.f64(x);
  }

  /** Reads what `save` wrote (into a window of the same size). */
  load(r: StateReader): void {
    const values = r.f64s();
    if (values.length > this.size)
      throw new RangeError(`RollingMoments state: ${values.length} values for size ${this.size}`);
    this.ring.set(values);
    this.count = values.length;
    this.next = this.count % this.size;
    this.shift = r.f64();
    this.sum.setParts(r.f64(), r.f64());
    this.squares.setParts(r.f64(), r.f64());
  }

  mean(): number {
    return this.count === 0 ? Number.NaN : this.shift + this.sum.value / this.count;
  }

  /** Sample variance (n − 1) of the window, NaN with fewer than two values. */
  variance(): number {
    if (this.count < 2) return Number.NaN;
    const s = this.sum.value;
    return Math.max(0, (this.squares.value - (s * s) / this.count) / (this.count - 1));
  }
}

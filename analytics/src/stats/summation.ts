/**
 * Compensated (Neumaier) summation, mean and variance.
 *
 * Naive left-to-right summation loses low-order bits when terms differ in
 * magnitude; Neumaier's variant of Kahan summation keeps a running
 * compensation term so the error stays O(ε) instead of O(nε).
 * Reference: A. Neumaier, "Rundungsfehleranalyse einiger Verfahren zur
 * Summation endlicher Summen", ZAMM 54 (1974).
 */

/** A running compensated sum that terms can be added to and removed from. */
export class CompensatedSum {
  private sum = 0;
  private compensation = 0;

  /** Adds `x` (O(1)). */
  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.compensation += this.sum - t + x;
    else this.compensation += x - t + this.sum;
    this.sum = t;
  }

  /** The compensated total. */
  /** The two parts (sum, compensation), to save the accumulator exactly. */
  get parts(): [number, number] {
    return [this.sum, this.compensation];
  }

  /** Restores what `parts` returned. */
  setParts(sum: number, compensation: number): void {
    this.sum = sum;
    this.compensation = compensation;
  }

  get value(): number {
    return this.sum + this.compensation;
  }

  /** Resets to zero. */
  reset(): void {
    this.sum = 0;
    this.compensation = 0;
  }
}

/** Compensated sum of `values` (O(n)). Example: `sum([1e16, 1, -1e16])` is 1. */
export function sum(values: ArrayLike<number>): number {
  const acc = new CompensatedSum();
  for (let i = 0; i < values.length; i++) acc.add(values[i] as number);
  return acc.value;
}

/**
 * Arithmetic mean (O(n)). Throws when `values` is empty.
 * Example: `mean([1, 2, 3, 4])` is 2.5.
 */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError('mean: values must not be empty');
  return sum(values) / values.length;
}

/**
 * Variance with `ddof` delta degrees of freedom (1 = sample variance, the
 * default, as R's `var`; 0 = population variance), by the two-pass
 * algorithm with compensated sums (O(n)). Throws when fewer than `ddof + 1`
 * values are given.
 * Example: `variance([2, 4, 4, 4, 5, 5, 7, 9], 0)` is 4.
 */
export function variance(values: ArrayLike<number>, ddof = 1): number {
  if (values.length <= ddof) {
    throw new RangeError(`variance: need more than ${ddof} values, got ${values.length}`);
  }
  const m = mean(values);
  const squares = new CompensatedSum();
  const deviations = new CompensatedSum();
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - m;
    squares.add(d * d);
    deviations.add(d);
  }
  // The second term corrects the rounding error left in `m` (Chan, Golub & LeVeque 1983).
  const dev = deviations.value;
  return Math.max(0, (squares.value - (dev * dev) / values.length) / (values.length - ddof));
}

/** Standard deviation: the square root of `variance(values, ddof)`. */
export function standardDeviation(values: ArrayLike<number>, ddof = 1): number {
  return Math.sqrt(variance(values, ddof));
}

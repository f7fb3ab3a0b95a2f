/** Finest quantum considered (values are compared in steps no finer than this). */
const FINEST_QUANTUM_EXPONENT = -12;

/**
 * The decimal quantum of a value, at most 1: the largest 10^k ≤ 1 of which
 * it is a whole multiple (7 → 1, 0.25 → 0.01, 3.14159 → 0.00001), 0 for 0.
 * A series that has never moved has no spread to scale by; its values'
 * quantum says how small a move is still "one step" (one count, one cent).
 * O(12).
 */
export function decimalQuantum(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return 0;
  const a = Math.abs(x);
  for (let k = 0; k >= FINEST_QUANTUM_EXPONENT; k--) {
    const q = 10 ** k;
    const m = a / q;
    if (Math.abs(m - Math.round(m)) <= 1e-9 * m) return q;
  }
  return 10 ** FINEST_QUANTUM_EXPONENT;
}

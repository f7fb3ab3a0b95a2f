/**
 * Classical seasonal decomposition and the seasonality test of the M4 competition's benchmarks.
 *
 * `seasonalityTest(values, m)`: the series is seasonal at lag m when its autocorrelation there exceeds
 * z·√((1 + 2·Σ_{k<m} r_k²)/n) (Bartlett's standard error of r_m under "no correlation beyond lag m−1"),
 * z = 1.645 for the 90 % one-sided level the M4 benchmarks used (Makridakis et al., IJF 36, 2020,
 * and the competition's published R code `seasonality_test`). Needs at least 3m points.
 *
 * `classicalSeasonalIndices(values, m, kind)`: the seasonal indices of classical decomposition
 * (R `decompose`): the centred moving average of order m (2×m for even m) is the trend; the ratios
 * (multiplicative) or differences (additive) to it are averaged per phase and normalised to mean 1 (or 0).
 * Index `i` belongs to phase `i`, i.e. to the points at positions t ≡ i (mod m). O(n).
 * Throws RangeError with fewer than two cycles or a multiplicative request on non-positive data.
 */
import { autocorrelation } from '../stats/autocorrelation.ts';

/** One-sided 90 % normal quantile: the M4 benchmarks' seasonality test level. */
export const SEASONALITY_TEST_Z = 1.645;

/** True when `values` are seasonal at lag `m` by the M4 benchmarks' 90 % autocorrelation test. */
export function seasonalityTest(values: readonly number[], m: number, z = SEASONALITY_TEST_Z): boolean {
  const n = values.length;
  if (m < 2 || n < 3 * m) return false;
  const acf = autocorrelation(values, m);
  let sumSq = 0;
  for (let k = 1; k < m; k++) {
    const r = acf[k] as number;
    if (Number.isFinite(r)) sumSq += r * r;
  }
  const r = acf[m] as number;
  if (!Number.isFinite(r)) return false;
  return Math.abs(r) > z * Math.sqrt((1 + 2 * sumSq) / n);
}

export type DecompositionKind = 'multiplicative' | 'additive';

/** Seasonal indices of classical decomposition (see the module comment); length m, phase i at positions t ≡ i mod m. */
export function classicalSeasonalIndices(values: readonly number[], m: number, kind: DecompositionKind): number[] {
  const n = values.length;
  if (!Number.isInteger(m) || m < 2) throw new RangeError(`classicalSeasonalIndices: period must be ≥ 2, got ${m}`);
  if (n < 2 * m) throw new RangeError(`classicalSeasonalIndices: needs two cycles (${2 * m} points), got ${n}`);
  if (kind === 'multiplicative' && values.some((v) => !(v > 0)))
    throw new RangeError('classicalSeasonalIndices: multiplicative decomposition needs positive values');
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  const half = Math.floor(m / 2);
  const even = m % 2 === 0;
  // Running window sum of m values starting at `start`.
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = (prefix[i] as number) + (values[i] as number);
  const windowSum = (start: number, len: number): number => (prefix[start + len] as number) - (prefix[start] as number);
  for (let t = half; t < n - half; t++) {
    let trend: number;
    if (even) {
      // 2×m moving average: half weights on the two end points.
      if (t + half >= n) break;
      const inner = windowSum(t - half + 1, m - 1);
      trend = (inner + 0.5 * ((values[t - half] as number) + (values[t + half] as number))) / m;
    } else {
      trend = windowSum(t - half, m) / m;
    }
    const v = values[t] as number;
    const phase = t % m;
    sums[phase] = (sums[phase] as number) + (kind === 'multiplicative' ? v / trend : v - trend);
    counts[phase] = (counts[phase] as number) + 1;
  }
  const raw = Array.from(sums, (s, i) => s / Math.max(1, counts[i] as number));
  const centre = raw.reduce((a, b) => a + b, 0) / m;
  return raw.map((s) => (kind === 'multiplicative' ? s / centre : s - centre));
}

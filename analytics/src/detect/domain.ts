import type { OnlineDetector, PointResult, ValueDomain } from './types.ts';

/** Units (UCUM, as OpenTelemetry writes them) of quantities that cannot be negative: sizes, durations, counts. */
const NON_NEGATIVE_UNITS = new Set([
  'By',
  'KBy',
  'MBy',
  'GBy',
  'TBy',
  'KiBy',
  'MiBy',
  'GiBy',
  'TiBy',
  'bit',
  'ns',
  'us',
  'ms',
  's',
  'min',
  'h',
  'd',
  'Hz',
]);

/** What a job knows about a series: its kind, whether it is monotonic, its unit. */
export interface MetricShape {
  kind: string;
  monotonic?: boolean;
  unit?: string;
}

/**
 * The range a metric's values can take, from what the metric is: the rate of
 * a monotonic counter is never negative; a utilization (unit `1`: a
 * fraction in [0, 1]; `%`: [0, 100]) stays in range; a size, a duration or a
 * count (`By`, `ms`, `{requests}`, and per-second forms like `By/s`) is never
 * negative; anything else is unbounded (undefined).
 * Example: `valueDomainOf({ kind: 'gauge', unit: '1' })` → `{ min: 0, max: 1 }`.
 */
export function valueDomainOf(metric: MetricShape): ValueDomain | undefined {
  const unit = metric.unit ?? '';
  // A counter is scored as its per-second rate: never negative, whatever its unit.
  if (metric.kind === 'sum' && metric.monotonic) return { min: 0 };
  if (unit === '1') return { min: 0, max: 1 };
  if (unit === '%') return { min: 0, max: 100 };
  const base = unit.split('/')[0] ?? '';
  if (NON_NEGATIVE_UNITS.has(base) || /^\{[^}]*\}$/.test(base)) return { min: 0 };
  return undefined;
}

/** Throws a RangeError naming `domain` when its bounds are not numbers with min ≤ max. */
export function checkDomain(domain: ValueDomain): void {
  const { min = -Infinity, max = Infinity } = domain;
  if (Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new RangeError(`domain must have min <= max (numbers), got min ${domain.min}, max ${domain.max}`);
  }
}

/** `x` clamped into `domain` (NaN stays NaN: a missing value is not a bound). */
export function clampIntoDomain(x: number, domain: ValueDomain): number {
  const { min = -Infinity, max = Infinity } = domain;
  return Number.isNaN(x) ? x : Math.min(max, Math.max(min, x));
}

/** The point with its expected value and band clamped into the domain (the score is left as it is). */
export function clampToDomain(point: PointResult, domain: ValueDomain): PointResult {
  const clamp = (x: number) => clampIntoDomain(x, domain);
  return { score: point.score, expected: clamp(point.expected), lower: clamp(point.lower), upper: clamp(point.upper) };
}

/** `online` with every result clamped into `domain` (itself when there is none). */
export function withinDomain(online: OnlineDetector, domain: ValueDomain | undefined): OnlineDetector {
  if (!domain) return online;
  const clamped: OnlineDetector = { push: (t, value) => clampToDomain(online.push(t, value), domain) };
  if (online.snapshot) clamped.snapshot = online.snapshot.bind(online);
  if (online.restore) clamped.restore = online.restore.bind(online);
  return clamped;
}

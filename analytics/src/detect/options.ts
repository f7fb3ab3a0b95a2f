import { checkDomain } from './domain.ts';
import type { Direction, DetectorOptions, Sensitivity, ValueDomain } from './types.ts';

/** Band half-width in robust standard deviations at sensitivity 0 (fewest alarms). */
export const WIDEST_BAND_SIGMAS = 8;
/** Band half-width in robust standard deviations at sensitivity 1 (most alarms). */
export const NARROWEST_BAND_SIGMAS = 2;
/** Sensitivity for the named levels. */
export const NAMED_SENSITIVITY: Record<'low' | 'medium' | 'high', number> = { low: 0.25, medium: 0.5, high: 0.75 };

/** Options after validation and defaults, ready for scoring. */
export interface ResolvedOptions {
  /** Sensitivity as a number in [0, 1]. */
  sensitivity: number;
  /** Band half-width in standard deviations, derived from sensitivity. */
  bandSigmas: number;
  direction: Direction;
  minDeviation: number;
  warmup: number;
  domain: ValueDomain | undefined;
}

/**
 * Validates `options` and fills defaults (`defaultWarmup` is the
 * detector's own). Throws a RangeError naming the field and the reason.
 */
export function resolveOptions(options: DetectorOptions | undefined, defaultWarmup: number): ResolvedOptions {
  const sensitivity = resolveSensitivity(options?.sensitivity ?? 'medium');
  const direction = options?.direction ?? 'both';
  if (direction !== 'above' && direction !== 'below' && direction !== 'both') {
    throw new RangeError(`direction must be 'above', 'below' or 'both', got '${String(direction)}'`);
  }
  const minDeviation = options?.minDeviation ?? 0;
  if (!(Number.isFinite(minDeviation) && minDeviation >= 0)) {
    throw new RangeError(`minDeviation must be a finite number >= 0, got ${minDeviation}`);
  }
  const warmup = options?.warmup ?? defaultWarmup;
  if (!(Number.isInteger(warmup) && warmup >= 0)) {
    throw new RangeError(`warmup must be an integer >= 0 (points), got ${warmup}`);
  }
  if (options?.domain) checkDomain(options.domain);
  const bandSigmas = WIDEST_BAND_SIGMAS - sensitivity * (WIDEST_BAND_SIGMAS - NARROWEST_BAND_SIGMAS);
  return { sensitivity, bandSigmas, direction, minDeviation, warmup, domain: options?.domain };
}

function resolveSensitivity(s: Sensitivity): number {
  if (typeof s === 'string') {
    const named = NAMED_SENSITIVITY[s as keyof typeof NAMED_SENSITIVITY];
    if (named === undefined)
      throw new RangeError(`sensitivity must be 'low', 'medium', 'high' or a number in [0, 1], got '${s}'`);
    return named;
  }
  if (!(s >= 0 && s <= 1)) throw new RangeError(`sensitivity must be in [0, 1], got ${s}`);
  return s;
}

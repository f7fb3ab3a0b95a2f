/**
 * Deterministic randomness for the demo: values that are pure functions of a
 * seed, a key and an integer index, so the seeded history and the live
 * workload draw the same noise for the same instant, and a seeded generator
 * for the live traffic.
 */

/** 32-bit FNV-1a hash of a string. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes integers into one well-distributed 32-bit value (murmur3's finaliser per step). */
export function mix(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h ^= Math.imul((v | 0) ^ Math.floor(v / 0x1_0000_0000), 0xcc9e2d51);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Uniform value in [0, 1) determined by (seed, key, index). */
export function uniformAt(seed: number, key: string, index: number): number {
  return mix(seed, hashString(key), index) / 0x1_0000_0000;
}

/** Standard normal value determined by (seed, key, index) (Box–Muller). */
export function gaussianAt(seed: number, key: string, index: number): number {
  const u1 = Math.max(uniformAt(seed, key, index * 2), Number.EPSILON);
  const u2 = uniformAt(seed, key, index * 2 + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/** A standard normal draw from `random` (Box–Muller). */
export function gaussian(random: () => number): number {
  const u1 = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * random());
}

/** Means up to this are drawn exactly (inverse CDF); above it the rounded normal approximation is unbiased enough. */
export const POISSON_EXACT_MEAN = 100;

/**
 * A Poisson count of mean `mean` from one uniform `u` in [0, 1): the inverse CDF up to
 * {@link POISSON_EXACT_MEAN}, the rounded normal approximation (from `normal`, a standard normal draw) above.
 * Small means matter: a rounded normal clipped at 0 overstates a mean of 0.3 by a quarter, so counts drawn per
 * 5-second step would run higher than the same counts drawn per minute.
 */
export function poissonFrom(mean: number, u: number, normal: () => number): number {
  if (!(mean > 0)) return 0;
  if (mean > POISSON_EXACT_MEAN) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal()));
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u >= cdf && p > 0) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** Poisson count of mean `mean` determined by (seed, key, index). */
export function poissonAt(seed: number, key: string, index: number, mean: number): number {
  return poissonFrom(mean, uniformAt(seed, `${key}/poisson`, index), () => gaussianAt(seed, key, index));
}

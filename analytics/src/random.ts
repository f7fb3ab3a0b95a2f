/**
 * mulberry32 (Tommy Ettinger, 2017): a seeded 32-bit generator of uniforms in [0, 1), for everything in hydra that
 * must draw the same numbers on every run from one seed — isolation forests, the demo workload, the benchmark
 * corpora and the decoders' fuzz tests. Not for anything secret.
 *
 * Period 2^32, one state word, passes PractRand to 2^32 outputs. Written here rather than taken from a package
 * because the corpora and the forests are pinned to this exact sequence (a different generator would change every
 * published benchmark figure) and no npm package in wide use provides it.
 *
 *   const random = mulberry32(42);
 *   random(); // 0.6011037519201636
 *
 * Reference: https://gist.github.com/tommyettinger/46a874533244883189143505d203312c
 */

/** 2^32: turns a 32-bit unsigned integer into [0, 1). */
const TWO_POW_32 = 4294967296;

/** A seeded stream of uniforms in [0, 1); `seed` is taken modulo 2^32. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  };
}

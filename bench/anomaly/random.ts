import { mulberry32 } from '@hydra/analytics';

/** Seeded random numbers for the corpus, so every run generates the same series. */
export class SeededRandom {
  /** Uniform in [0, 1) (mulberry32). */
  readonly uniform: () => number;

  constructor(seed: number) {
    this.uniform = mulberry32(seed);
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.uniform());
  }

  /** Student's t with `dof` degrees of freedom, scaled to unit variance (heavy tails). */
  studentT(dof: number): number {
    let chi2 = 0;
    for (let i = 0; i < dof; i++) chi2 += this.normal() ** 2;
    return (this.normal() / Math.sqrt(chi2 / dof)) * Math.sqrt((dof - 2) / dof);
  }

  /** Poisson with mean `lambda` (Knuth; fine for small means). */
  poisson(lambda: number): number {
    const limit = Math.exp(-lambda);
    let k = 0;
    let p = this.uniform();
    while (p > limit) {
      k++;
      p *= this.uniform();
    }
    return k;
  }
}

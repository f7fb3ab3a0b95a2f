import { RollingMoments } from '../stats/rolling-moments.ts';
import { RollingOrder } from '../stats/rolling-order.ts';
import type { StateReader, StateWriter } from './state.ts';

/** Raw scores whose short-window means form the long-window distribution (Ahmad et al. use 8640; 2016 ≈ a week of 5-minute points). */
export const LIKELIHOOD_HISTORY = 2016;
/** Raw scores averaged into the "recent behaviour" mean (Ahmad et al.: 10). */
export const LIKELIHOOD_AVERAGE = 10;
/** Means learned before the likelihood says anything (tail 1 until then). */
export const LIKELIHOOD_LEARNING = 64;
/**
 * Floor of the long-window standard deviation of the means, so that a
 * series whose raw scores were all 0 does not turn its first small surprise
 * into certainty (Ahmad et al. floor the variance at 3e-4: σ ≈ 0.017).
 */
export const LIKELIHOOD_MIN_STD = 0.02;
/** The long-window median and MAD are re-estimated every this many points (O(window) each time). */
export const LIKELIHOOD_REESTIMATE_EVERY = 16;
/** Tail probability that maps to score 1 (10⁻¹⁰, as NAB's log-likelihood does). */
export const LIKELIHOOD_SMALLEST_TAIL = 1e-10;

/**
 * The anomaly likelihood of Ahmad, Lavin, Purdy & Agha, "Unsupervised
 * real-time anomaly detection for streaming data", Neurocomputing 262
 * (2017), §4: the mean of the last {@link LIKELIHOOD_AVERAGE} raw scores,
 * μ̃, against a normal fitted to the same means over the last
 * {@link LIKELIHOOD_HISTORY} points — robustly here: μ = their median, σ =
 * 1.4826·MAD, so past incidents in the window do not widen σ and hide the
 * next one (bench/anomaly: mean/sd 39.8 real / 62.8 synthetic, median/MAD
 * 49.5 / 66.4), re-estimated every {@link LIKELIHOOD_REESTIMATE_EVERY}
 * points as Numenta's implementation re-estimates periodically; the tail probability Q((μ̃ − μ)/σ)
 * says how unusual the recent behaviour is for THIS series, so a series
 * whose raw scores are always high stops alarming. Causal: the point's own
 * mean is scored against the distribution of the means before it, then
 * learned. O(window) per point (the sorted window's insertion).
 */
export class AnomalyLikelihood {
  private readonly recent = new RollingMoments(LIKELIHOOD_AVERAGE);
  private readonly history = new RollingOrder(LIKELIHOOD_HISTORY);
  private centre = Number.NaN;
  private spread = Number.NaN;
  private sinceEstimate = 0;

  /** Writes the windows and the current estimate. */
  save(w: StateWriter): void {
    this.recent.save(w);
    this.history.save(w);
    w.f64(this.centre);
    w.f64(this.spread);
    w.f64(this.sinceEstimate);
  }

  /** Reads what `save` wrote. */
  load(r: StateReader): void {
    this.recent.load(r);
    this.history.load(r);
    this.centre = r.f64();
    this.spread = r.f64();
    this.sinceEstimate = r.f64();
  }

  /**
   * Adds a raw score (≥ 0, larger = more surprising) and returns the upper
   * tail probability of the recent mean: 1 while learning, near 0 when the
   * recent behaviour is far beyond what this series has shown.
   */
  push(raw: number): number {
    this.recent.push(raw);
    const mean = this.recent.mean();
    let tail = 1;
    if (this.history.length >= LIKELIHOOD_LEARNING) {
      if (Number.isNaN(this.centre) || this.sinceEstimate >= LIKELIHOOD_REESTIMATE_EVERY) {
        this.centre = this.history.median();
        this.spread = Math.max(this.history.mad(), LIKELIHOOD_MIN_STD);
        this.sinceEstimate = 0;
      }
      tail = upperTail((mean - this.centre) / this.spread);
    }
    this.history.push(mean);
    this.sinceEstimate++;
    return tail;
  }
}

/**
 * A tail probability as a score in [0, 1]: log(tail) / log(10⁻¹⁰), so 0.5
 * means a tail of 10⁻⁵ (NAB's log-likelihood scale).
 */
export function tailToScore(tail: number): number {
  if (!(tail < 1)) return 0;
  if (!(tail > LIKELIHOOD_SMALLEST_TAIL)) return 1;
  return Math.log(tail) / Math.log(LIKELIHOOD_SMALLEST_TAIL);
}

/** Upper tail of the standard normal, Q(z) = ½·erfc(z/√2), to about 1e-7 relative. */
export function upperTail(z: number): number {
  if (Number.isNaN(z)) return 1;
  return 0.5 * erfc(z / Math.SQRT2);
}

/** Complementary error function, fractional error < 1.2e-7 everywhere (Numerical Recipes 2nd ed. §6.2, erfcc). */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

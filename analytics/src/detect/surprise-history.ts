import type { StateReader, StateWriter } from './state.ts';

/** Surprises (robust z-scores) at or above this are remembered. */
export const SURPRISE_FLOOR_SIGMAS = 3;
/**
 * Past surprises at least as large that are forgiven: the first repeat of a
 * surprise is still news (a second incident of the same kind), from the
 * second on it is how this series behaves. Measured: forgiving none scored
 * 23.8 on the real corpus and 60.6 on the synthetic one, forgiving one 30.0
 * and 61.5 (bench/anomaly), at 2.6 instead of 2.1 alarm episodes per
 * unlabeled series per week.
 */
export const SURPRISE_REPEATS_FORGIVEN = 1;
/** At most this many are kept: a series with more is noisy, and its empirical tail is large anyway. */
export const SURPRISE_CAPACITY = 128;

/**
 * A series' own record of large surprises over its last `window` points,
 * so a point is judged against how often surprises that large happened here
 * before: the share of past points whose z-score was at least this one's (a
 * conformal p-value, without the +1 and forgiving one repeat, after Burnaev & Ishimtsev,
 * "Conformalized density- and distance-based anomaly detection in
 * time-series data", 2016). A dip that recurs every day stops being news;
 * the first one of its size is (share 0). O(capacity) per query, O(1) per
 * point.
 */
export class SurpriseHistory {
  private readonly index = new Float64Array(SURPRISE_CAPACITY);
  private readonly z = new Float64Array(SURPRISE_CAPACITY);
  private next = 0;
  private stored = 0;
  private seen = 0;
  private inRun = false;

  /** `window` in points, a positive integer. */
  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 1)
      throw new RangeError(`SurpriseHistory: window must be a positive integer, got ${window}`);
  }

  /**
   * Share of the last `window` points (before this one) whose surprise was at
   * least `z`, less the {@link SURPRISE_REPEATS_FORGIVEN} first such; 1 below the floor.
   */
  share(z: number): number {
    if (this.seen === 0 || z < SURPRISE_FLOOR_SIGMAS) return 1;
    const oldest = this.seen - this.window;
    let count = 0;
    for (let k = 0; k < this.stored; k++) {
      if ((this.index[k] as number) >= oldest && (this.z[k] as number) >= z) count++;
    }
    return Math.max(0, count - SURPRISE_REPEATS_FORGIVEN) / Math.min(this.seen, this.window);
  }

  /** Writes the remembered surprises (oldest first) and the counters. */
  save(w: StateWriter): void {
    const oldest = this.stored === SURPRISE_CAPACITY ? this.next : 0;
    const index = new Float64Array(this.stored);
    const z = new Float64Array(this.stored);
    for (let k = 0; k < this.stored; k++) {
      index[k] = this.index[(oldest + k) % SURPRISE_CAPACITY] as number;
      z[k] = this.z[(oldest + k) % SURPRISE_CAPACITY] as number;
    }
    w.f64s(index);
    w.f64s(z);
    w.f64(this.seen);
    w.bool(this.inRun);
  }

  /** Reads what `save` wrote. */
  load(r: StateReader): void {
    const index = r.f64s();
    const z = r.f64s();
    if (index.length !== z.length || index.length > SURPRISE_CAPACITY)
      throw new RangeError(`SurpriseHistory state: ${index.length} indexes, ${z.length} surprises`);
    this.index.set(index);
    this.z.set(z);
    this.stored = index.length;
    this.next = this.stored % SURPRISE_CAPACITY;
    this.seen = r.f64();
    this.inRun = r.bool();
  }

  /** Records a point's surprise. */
  push(z: number): void {
    if (z >= SURPRISE_FLOOR_SIGMAS) {
      if (this.inRun) {
        // One surprise per run of surprising points: an 8-minute incident is one event, not eight.
        const last = (this.next + SURPRISE_CAPACITY - 1) % SURPRISE_CAPACITY;
        this.z[last] = Math.max(this.z[last] as number, z);
      } else {
        this.index[this.next] = this.seen;
        this.z[this.next] = z;
        this.next = (this.next + 1) % SURPRISE_CAPACITY;
        this.stored = Math.min(this.stored + 1, SURPRISE_CAPACITY);
      }
    }
    this.inRun = z >= SURPRISE_FLOOR_SIGMAS;
    this.seen++;
  }
}

/**
 * Online detectors kept between runs of an in-process job (`hydra up`): a
 * layer over the saved states (anomaly_detector_state), which every pass
 * writes with its checkpoints. A cached detector saves reading and decoding
 * its state; an entry is only reused when it was built with the same
 * configuration and has seen exactly up to the series' checkpoint, otherwise
 * the job restores the saved state (or, without one, replays history). The
 * CLI and CronJob have no cache: they restore. Bounded (least recently used out).
 */
import type { OnlineDetector } from '@hydra/analytics';

/** Detectors kept by default (each holds at most ~30k points of history for the seasonal ones). */
export const DEFAULT_DETECTOR_CACHE_SIZE = 2_000;

export interface CachedDetector {
  detector: OnlineDetector;
  /** the configuration the detector was built with; a changed monitor spec invalidates it */
  config: string;
  /** epoch ms of the last point it learned */
  lastTime: number;
  /** epoch ms of its newest state saved in anomaly_detector_state (null: none yet) */
  savedTime: number | null;
}

export class DetectorCache {
  readonly capacity: number;
  readonly #entries = new Map<string, CachedDetector>();

  constructor(capacity = DEFAULT_DETECTOR_CACHE_SIZE) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`DetectorCache capacity: must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** The cached detector of (monitor, series) if it was built with `config` and has seen exactly up to `lastTime`. */
  take(monitor: string, seriesId: number, config: string, lastTime: number): CachedDetector | undefined {
    const key = `${monitor}\u0000${seriesId}`;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    return entry.config === config && entry.lastTime === lastTime ? entry : undefined;
  }

  put(monitor: string, seriesId: number, entry: CachedDetector): void {
    const key = `${monitor}\u0000${seriesId}`;
    this.#entries.delete(key);
    if (this.#entries.size >= this.capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, entry);
  }
}

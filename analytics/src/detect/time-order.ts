import type { StateReader, StateWriter } from './state.ts';

/** Guards the online contract: timestamps must not decrease. */
export class TimeOrder {
  private last = -Infinity;

  save(w: StateWriter): void {
    w.f64(this.last);
  }

  load(r: StateReader): void {
    this.last = r.f64();
  }

  /** Throws a RangeError naming both timestamps when `t` is before the previous one or not finite. */
  check(t: number): void {
    if (!Number.isFinite(t)) throw new RangeError(`timestamp must be a finite number of epoch milliseconds, got ${t}`);
    if (t < this.last) {
      throw new RangeError(
        `timestamps must not decrease: ${new Date(t).toISOString()} after ${new Date(this.last).toISOString()}`,
      );
    }
    this.last = t;
  }
}

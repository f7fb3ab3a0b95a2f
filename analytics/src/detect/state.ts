/**
 * The binary form of an online detector's state (`OnlineDetector.snapshot()` / `restore()`), so a job can save
 * a detector with its checkpoint and, next pass, feed it only the new points instead of replaying history.
 *
 * Layout: the 4 bytes `HDS1`-style header ({@link DETECTOR_STATE_MAGIC} and {@link DETECTOR_STATE_VERSION}), the
 * detector's name, then each component's fields in a fixed order, little-endian: numbers as float64, counts as
 * uint32, windows as their values oldest first (float64 arrays copied byte for byte, so a restored detector
 * computes bit for bit what the uninterrupted one does). Regular timestamps are stored as runs (start, step,
 * length): a day of one-minute points costs 20 bytes, not 11.5 kB. Hand-written (no serialisation library):
 * the state is a handful of typed arrays and numbers, and exactness needs the float64 bits as they are.
 *
 * Bump {@link DETECTOR_STATE_VERSION} whenever a detector's state or its meaning changes: states of another
 * version are refused (restore throws), and the job rebuilds such detectors by replaying history.
 */

/** First bytes of every state ("HD" + 'S'). */
export const DETECTOR_STATE_MAGIC = 0x534448;
/** Version of the layout and of the detectors' state; states of any other version are refused. */
export const DETECTOR_STATE_VERSION = 2;

/** Whether float64 arrays can be copied as bytes (the layout is little-endian). */
const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;

/** Thrown by `restore` for a state it cannot use (other version, other detector, truncated); rebuild instead. */
export class DetectorStateError extends RangeError {
  override name = 'DetectorStateError';
}

/** Appends fields to a growing buffer. */
export class StateWriter {
  #bytes = new Uint8Array(256);
  #view = new DataView(this.#bytes.buffer);
  #length = 0;

  #reserve(n: number): void {
    if (this.#length + n <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < this.#length + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.#bytes.subarray(0, this.#length));
    this.#bytes = grown;
    this.#view = new DataView(grown.buffer);
  }

  u8(x: number): void {
    this.#reserve(1);
    this.#view.setUint8(this.#length, x);
    this.#length += 1;
  }

  u32(x: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#length, x, true);
    this.#length += 4;
  }

  f64(x: number): void {
    this.#reserve(8);
    this.#view.setFloat64(this.#length, x, true);
    this.#length += 8;
  }

  bool(x: boolean): void {
    this.u8(x ? 1 : 0);
  }

  string(s: string): void {
    const bytes = new TextEncoder().encode(s);
    this.u32(bytes.length);
    this.#reserve(bytes.length);
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** A length then the values (float64 each). */
  f64s(values: ArrayLike<number>): void {
    this.u32(values.length);
    this.#reserve(values.length * 8);
    if (LITTLE_ENDIAN && values instanceof Float64Array) {
      this.#bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), this.#length);
    } else {
      for (let i = 0; i < values.length; i++) this.#view.setFloat64(this.#length + i * 8, values[i] as number, true);
    }
    this.#length += values.length * 8;
  }

  /**
   * Ascending timestamps, as runs of equal steps (start, step, length) when that is smaller than the raw
   * float64s (regular sampling), raw otherwise.
   */
  times(values: ArrayLike<number>): void {
    const runs: number[] = [];
    let exact = true;
    for (let i = 0; i < values.length && exact;) {
      const start = values[i] as number;
      const step = i + 1 < values.length ? (values[i + 1] as number) - start : 0;
      let j = i;
      while (j + 1 < values.length && (values[j + 1] as number) - (values[j] as number) === step) j++;
      // start + k·step must give back every value exactly (float rounding could differ): else raw.
      for (let k = i; k <= j && exact; k++) exact = start + (k - i) * step === values[k];
      runs.push(start, step, j - i + 1);
      i = j + 1;
    }
    const asRuns = exact && (runs.length / 3) * 20 < values.length * 8;
    this.bool(asRuns);
    if (!asRuns) {
      this.f64s(values);
      return;
    }
    this.u32(values.length);
    this.u32(runs.length / 3);
    for (let r = 0; r < runs.length; r += 3) {
      this.f64(runs[r]!);
      this.f64(runs[r + 1]!);
      this.u32(runs[r + 2]!);
    }
  }

  /** The bytes written (a copy of exactly that length). */
  finish(): Uint8Array {
    return this.#bytes.slice(0, this.#length);
  }
}

/** Reads fields in the order they were written; throws DetectorStateError past the end. */
export class StateReader {
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  #at = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(n: number): number {
    const at = this.#at;
    if (at + n > this.#bytes.length)
      throw new DetectorStateError(`detector state truncated: needs ${at + n} bytes, has ${this.#bytes.length}`);
    this.#at += n;
    return at;
  }

  u8(): number {
    return this.#view.getUint8(this.#need(1));
  }

  u32(): number {
    return this.#view.getUint32(this.#need(4), true);
  }

  f64(): number {
    return this.#view.getFloat64(this.#need(8), true);
  }

  bool(): boolean {
    return this.u8() !== 0;
  }

  string(): string {
    const n = this.u32();
    const at = this.#need(n);
    return new TextDecoder().decode(this.#bytes.subarray(at, at + n));
  }

  f64s(): Float64Array {
    const n = this.u32();
    const at = this.#need(n * 8);
    if (LITTLE_ENDIAN) {
      // a copy into a fresh (aligned) buffer; not `slice`, which on a Node Buffer is a view of a shared pool
      const copy = new Uint8Array(n * 8);
      copy.set(this.#bytes.subarray(at, at + n * 8));
      return new Float64Array(copy.buffer);
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#view.getFloat64(at + i * 8, true);
    return out;
  }

  times(): Float64Array {
    if (!this.bool()) return this.f64s();
    const n = this.u32();
    const runs = this.u32();
    const out = new Float64Array(n);
    let i = 0;
    for (let r = 0; r < runs; r++) {
      const start = this.f64();
      const step = this.f64();
      const length = this.u32();
      if (i + length > n) throw new DetectorStateError(`detector state: timestamp runs exceed ${n} points`);
      for (let k = 0; k < length; k++) out[i++] = start + k * step;
    }
    if (i !== n) throw new DetectorStateError(`detector state: timestamp runs give ${i} points, expected ${n}`);
    return out;
  }

  /** Throws unless every byte was read (a state of another layout). */
  end(): void {
    if (this.#at !== this.#bytes.length)
      throw new DetectorStateError(`detector state: ${this.#bytes.length - this.#at} bytes left over`);
  }
}

/** A writer with the header for detector `name`. */
export function beginState(name: string): StateWriter {
  const w = new StateWriter();
  w.u32(DETECTOR_STATE_MAGIC | (DETECTOR_STATE_VERSION << 24));
  w.string(name);
  return w;
}

/** A reader past the header; throws DetectorStateError when the state is not a `name` state of this version. */
export function openState(bytes: Uint8Array, name: string): StateReader {
  const r = new StateReader(bytes);
  const head = r.u32();
  if ((head & 0xffffff) !== DETECTOR_STATE_MAGIC) throw new DetectorStateError('not a detector state');
  const version = head >>> 24;
  if (version !== DETECTOR_STATE_VERSION)
    throw new DetectorStateError(`detector state version ${version}, this build reads ${DETECTOR_STATE_VERSION}`);
  const stored = r.string();
  if (stored !== name) throw new DetectorStateError(`detector state of '${stored}', not '${name}'`);
  return r;
}

/** The version of a state's layout (0 when it is not a detector state), without restoring it. */
export function detectorStateVersion(bytes: Uint8Array): number {
  if (bytes.length < 4) return 0;
  const head = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  return (head & 0xffffff) === DETECTOR_STATE_MAGIC ? head >>> 24 : 0;
}

/** Writes a point's result (the detectors keep their last one: a NaN value repeats it). */
export function savePoint(w: StateWriter, p: { score: number; expected: number; lower: number; upper: number }): void {
  w.f64(p.score);
  w.f64(p.expected);
  w.f64(p.lower);
  w.f64(p.upper);
}

/** Reads what `savePoint` wrote. */
export function loadPoint(r: StateReader): { score: number; expected: number; lower: number; upper: number } {
  return { score: r.f64(), expected: r.f64(), lower: r.f64(), upper: r.f64() };
}

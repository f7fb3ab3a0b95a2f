/**
 * Encoder for PostgreSQL's binary COPY format
 * (https://www.postgresql.org/docs/current/sql-copy.html, "Binary Format"):
 * an 11-byte signature, int32 flags, int32 header-extension length, then per
 * tuple an int16 field count and per field an int32 length (-1 = NULL) and
 * the value in the type's binary send format, then an int16 -1 trailer.
 *
 * timestamptz = int64 µs since 2000-01-01 UTC; float8 = IEEE-754 big-endian;
 * arrays = ndim, has-null flag, element type oid, (length, lower bound) per
 * dimension, then (int32 length, value) per element.
 */
import type { ExpHistogramPoint, HistogramPoint, SamplePoint } from './types.ts';

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** µs between 1970-01-01 and PostgreSQL's epoch 2000-01-01. */
export const PG_EPOCH_OFFSET_US = 946_684_800_000_000;
const TWO_32 = 4_294_967_296;
const OID_INT8 = 20;
const OID_FLOAT8 = 701;

/** A growable big-endian buffer writer. */
class Writer {
  buf: Buffer;
  pos = 0;
  constructor(initial: number) {
    this.buf = Buffer.allocUnsafe(Math.max(initial, 64));
  }
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  int16(v: number): void {
    this.ensure(2);
    this.pos = this.buf.writeInt16BE(v, this.pos);
  }
  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }
  /** int64 from a JS integer (exact within ±2^53) without BigInt: high word floored, low word unsigned. */
  int64(v: number): void {
    this.ensure(8);
    const hi = Math.floor(v / TWO_32);
    this.pos = this.buf.writeInt32BE(hi, this.pos);
    this.pos = this.buf.writeUInt32BE(v - hi * TWO_32, this.pos);
  }
  float64(v: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }
  null(): void {
    this.int32(-1);
  }
  fieldInt64(v: number): void {
    this.int32(8);
    this.int64(v);
  }
  fieldInt32(v: number): void {
    this.int32(4);
    this.int32(v);
  }
  fieldFloat64(v: number): void {
    this.int32(8);
    this.float64(v);
  }
  fieldFloat64OrNull(v: number | null): void {
    if (v === null) this.null();
    else this.fieldFloat64(v);
  }
  fieldTimestamp(timeUs: number): void {
    this.fieldInt64(timeUs - PG_EPOCH_OFFSET_US);
  }
  fieldTimestampOrNull(timeUs: number | null): void {
    if (timeUs === null) this.null();
    else this.fieldTimestamp(timeUs);
  }
  fieldArray(values: readonly number[], oid: typeof OID_INT8 | typeof OID_FLOAT8): void {
    if (values.length === 0) {
      this.int32(12);
      this.int32(0);
      this.int32(0);
      this.int32(oid);
      return;
    }
    this.int32(20 + values.length * 12);
    this.int32(1);
    this.int32(0);
    this.int32(oid);
    this.int32(values.length);
    this.int32(1);
    for (const v of values) {
      this.int32(8);
      if (oid === OID_INT8) this.int64(v);
      else this.float64(v);
    }
  }
  header(): void {
    this.ensure(SIGNATURE.length + 8);
    SIGNATURE.copy(this.buf, this.pos);
    this.pos += SIGNATURE.length;
    this.int32(0);
    this.int32(0);
  }
  trailer(): Buffer {
    this.int16(-1);
    return this.buf.subarray(0, this.pos);
  }
}

/** Bytes per `samples` tuple: int16 field count + 3 × (int32 length + 8 bytes). */
const SAMPLE_TUPLE_BYTES = 2 + 3 * 12;

/** COPY samples (time, series_id, value) FROM STDIN (FORMAT binary) payload. */
export function encodeSamples(points: readonly SamplePoint[]): Buffer {
  const w = new Writer(19 + points.length * SAMPLE_TUPLE_BYTES + 2);
  w.header();
  for (const p of points) {
    w.int16(3);
    w.fieldTimestamp(p.timeUs);
    w.fieldInt64(p.seriesId);
    w.fieldFloat64(p.value);
  }
  return w.trailer();
}

export const SAMPLE_COLUMNS = '(time, series_id, value)';
export const HISTOGRAM_COLUMNS = '(time, series_id, start_time, count, sum, min, max, bounds, bucket_counts)';
export const EXP_HISTOGRAM_COLUMNS =
  '(time, series_id, start_time, count, sum, min, max, scale, zero_count, zero_threshold, positive_offset, positive_counts, negative_offset, negative_counts)';

/** The seven columns both histogram tables start with: time, series_id, start_time, count, sum, min, max. */
function writeHistogramHead(w: Writer, p: HistogramPoint | ExpHistogramPoint): void {
  w.fieldTimestamp(p.timeUs);
  w.fieldInt64(p.seriesId);
  w.fieldTimestampOrNull(p.startTimeUs);
  w.fieldInt64(p.count);
  w.fieldFloat64OrNull(p.sum);
  w.fieldFloat64OrNull(p.min);
  w.fieldFloat64OrNull(p.max);
}

/** COPY histogram_samples HISTOGRAM_COLUMNS FROM STDIN (FORMAT binary) payload. */
export function encodeHistograms(points: readonly HistogramPoint[]): Buffer {
  const w = new Writer(21 + points.length * 160);
  w.header();
  for (const p of points) {
    w.int16(9);
    writeHistogramHead(w, p);
    w.fieldArray(p.bounds, OID_FLOAT8);
    w.fieldArray(p.bucketCounts, OID_INT8);
  }
  return w.trailer();
}

/** COPY exp_histogram_samples EXP_HISTOGRAM_COLUMNS FROM STDIN (FORMAT binary) payload. */
export function encodeExpHistograms(points: readonly ExpHistogramPoint[]): Buffer {
  const w = new Writer(21 + points.length * 200);
  w.header();
  for (const p of points) {
    w.int16(14);
    writeHistogramHead(w, p);
    w.fieldInt32(p.scale);
    w.fieldInt64(p.zeroCount);
    w.fieldFloat64(p.zeroThreshold);
    w.fieldInt32(p.positiveOffset);
    w.fieldArray(p.positiveCounts, OID_INT8);
    w.fieldInt32(p.negativeOffset);
    w.fieldArray(p.negativeCounts, OID_INT8);
  }
  return w.trailer();
}

/**
 * The five OTLP data point messages (metrics/v1/metrics.proto: NumberDataPoint,
 * HistogramDataPoint, ExponentialHistogramDataPoint, SummaryDataPoint), each
 * decoded from its byte range straight into the SeriesBuilder. Exemplars are
 * skipped; a point flagged NO_RECORDED_VALUE is counted as skipped.
 */
import type { Labels } from '@hydra/storage';
import type { SeriesBuilder } from '../series-builder.ts';
import { readKeyValue } from './any-value.ts';
import {
  readFixed64,
  readNanosAsMicros,
  readSfixed64,
  readUint64Varint,
  subEnd,
  tag,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
  type Reader,
} from './wire.ts';

/** OTLP DataPointFlags bit 0: the point marks a gap (Prometheus staleness). */
export const FLAG_NO_RECORDED_VALUE = 1;

// Fields every point type shares
const POINT_START_TIME = tag(2, WIRE_I64);
const POINT_TIME = tag(3, WIRE_I64);
// NumberDataPoint
const NUMBER_AS_DOUBLE = tag(4, WIRE_I64);
const NUMBER_AS_INT = tag(6, WIRE_I64);
const NUMBER_ATTRIBUTES = tag(7, WIRE_LEN);
const NUMBER_FLAGS = tag(8, WIRE_VARINT);
// HistogramDataPoint
const HIST_COUNT = tag(4, WIRE_I64);
const HIST_SUM = tag(5, WIRE_I64);
const HIST_BUCKET_COUNTS_PACKED = tag(6, WIRE_LEN);
const HIST_BUCKET_COUNTS = tag(6, WIRE_I64);
const HIST_BOUNDS_PACKED = tag(7, WIRE_LEN);
const HIST_BOUNDS = tag(7, WIRE_I64);
const HIST_ATTRIBUTES = tag(9, WIRE_LEN);
const HIST_FLAGS = tag(10, WIRE_VARINT);
const HIST_MIN = tag(11, WIRE_I64);
const HIST_MAX = tag(12, WIRE_I64);
// ExponentialHistogramDataPoint and its Buckets
const EXP_ATTRIBUTES = tag(1, WIRE_LEN);
const EXP_COUNT = tag(4, WIRE_I64);
const EXP_SUM = tag(5, WIRE_I64);
const EXP_SCALE = tag(6, WIRE_VARINT);
const EXP_ZERO_COUNT = tag(7, WIRE_I64);
const EXP_POSITIVE = tag(8, WIRE_LEN);
const EXP_NEGATIVE = tag(9, WIRE_LEN);
const EXP_FLAGS = tag(10, WIRE_VARINT);
const EXP_MIN = tag(12, WIRE_I64);
const EXP_MAX = tag(13, WIRE_I64);
const EXP_ZERO_THRESHOLD = tag(14, WIRE_I64);
const BUCKETS_OFFSET = tag(1, WIRE_VARINT);
const BUCKETS_COUNTS_PACKED = tag(2, WIRE_LEN);
const BUCKETS_COUNTS = tag(2, WIRE_VARINT);
// SummaryDataPoint and ValueAtQuantile
const SUMMARY_COUNT = tag(4, WIRE_I64);
const SUMMARY_SUM = tag(5, WIRE_I64);
const SUMMARY_QUANTILES = tag(6, WIRE_LEN);
const SUMMARY_ATTRIBUTES = tag(7, WIRE_LEN);
const SUMMARY_FLAGS = tag(8, WIRE_VARINT);
const QUANTILE_QUANTILE = tag(1, WIRE_I64);
const QUANTILE_VALUE = tag(2, WIRE_I64);

/** A message's last field must end exactly at the message's end. */
function expectEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new RangeError(`a field runs ${r.pos - end} byte(s) past its data point`);
}
export function numberPoint(r: Reader, start: number, end: number, b: SeriesBuilder): void {
  r.pos = start;
  const attrs: Labels = {};
  let timeUs = 0;
  let value = 0;
  let hasValue = false;
  let flags = 0;
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case POINT_TIME:
        timeUs = readNanosAsMicros(r);
        break;
      case NUMBER_AS_DOUBLE:
        value = r.double();
        hasValue = true;
        break;
      case NUMBER_AS_INT:
        value = readSfixed64(r);
        hasValue = true;
        break;
      case NUMBER_ATTRIBUTES:
        readKeyValue(r, end, attrs);
        break;
      case NUMBER_FLAGS:
        flags = r.uint32();
        break;
      default:
        r.skipType(t & 7);
    }
  }
  expectEnd(r, end);
  if (flags & FLAG_NO_RECORDED_VALUE) return b.skip();
  if (!hasValue) {
    b.countPoints(1);
    return b.reject('invalid_point', 1, () => 'a NumberDataPoint has neither as_double nor as_int');
  }
  b.number(attrs, timeUs, value);
}

export function histogramPoint(r: Reader, start: number, end: number, b: SeriesBuilder): void {
  r.pos = start;
  const attrs: Labels = {};
  let startUs = 0;
  let timeUs = 0;
  let count = 0;
  let sum: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  let flags = 0;
  const bucketCounts: number[] = [];
  const bounds: number[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case POINT_START_TIME:
        startUs = readNanosAsMicros(r);
        break;
      case POINT_TIME:
        timeUs = readNanosAsMicros(r);
        break;
      case HIST_COUNT:
        count = readFixed64(r);
        break;
      case HIST_SUM:
        sum = r.double();
        break;
      case HIST_BUCKET_COUNTS_PACKED:
        for (const packedEnd = subEnd(r, end); r.pos < packedEnd;) bucketCounts.push(readFixed64(r));
        break;
      case HIST_BUCKET_COUNTS:
        bucketCounts.push(readFixed64(r));
        break;
      case HIST_BOUNDS_PACKED:
        for (const packedEnd = subEnd(r, end); r.pos < packedEnd;) bounds.push(r.double());
        break;
      case HIST_BOUNDS:
        bounds.push(r.double());
        break;
      case HIST_ATTRIBUTES:
        readKeyValue(r, end, attrs);
        break;
      case HIST_FLAGS:
        flags = r.uint32();
        break;
      case HIST_MIN:
        min = r.double();
        break;
      case HIST_MAX:
        max = r.double();
        break;
      default:
        r.skipType(t & 7);
    }
  }
  expectEnd(r, end);
  if (flags & FLAG_NO_RECORDED_VALUE) return b.skip();
  b.histogram(attrs, { timeUs, startTimeUs: startUs || null, count, sum, min, max, bounds, bucketCounts });
}

function readBuckets(r: Reader, end: number): { offset: number; counts: number[] } {
  let offset = 0;
  const counts: number[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    if (t === BUCKETS_OFFSET) offset = r.sint32();
    else if (t === BUCKETS_COUNTS_PACKED) {
      for (const packedEnd = subEnd(r, end); r.pos < packedEnd;) counts.push(readUint64Varint(r));
    } else if (t === BUCKETS_COUNTS) counts.push(readUint64Varint(r));
    else r.skipType(t & 7);
  }
  return { offset, counts };
}

export function expHistogramPoint(r: Reader, start: number, end: number, b: SeriesBuilder): void {
  r.pos = start;
  const attrs: Labels = {};
  let startUs = 0;
  let timeUs = 0;
  let count = 0;
  let sum: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  let scale = 0;
  let zeroCount = 0;
  let zeroThreshold = 0;
  let flags = 0;
  let positive = { offset: 0, counts: [] as number[] };
  let negative = { offset: 0, counts: [] as number[] };
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case EXP_ATTRIBUTES:
        readKeyValue(r, end, attrs);
        break;
      case POINT_START_TIME:
        startUs = readNanosAsMicros(r);
        break;
      case POINT_TIME:
        timeUs = readNanosAsMicros(r);
        break;
      case EXP_COUNT:
        count = readFixed64(r);
        break;
      case EXP_SUM:
        sum = r.double();
        break;
      case EXP_SCALE:
        scale = r.sint32();
        break;
      case EXP_ZERO_COUNT:
        zeroCount = readFixed64(r);
        break;
      case EXP_POSITIVE:
        positive = readBuckets(r, subEnd(r, end));
        break;
      case EXP_NEGATIVE:
        negative = readBuckets(r, subEnd(r, end));
        break;
      case EXP_FLAGS:
        flags = r.uint32();
        break;
      case EXP_MIN:
        min = r.double();
        break;
      case EXP_MAX:
        max = r.double();
        break;
      case EXP_ZERO_THRESHOLD:
        zeroThreshold = r.double();
        break;
      default:
        r.skipType(t & 7);
    }
  }
  expectEnd(r, end);
  if (flags & FLAG_NO_RECORDED_VALUE) return b.skip();
  b.expHistogram(attrs, {
    timeUs,
    startTimeUs: startUs || null,
    count,
    sum,
    min,
    max,
    scale,
    zeroCount,
    zeroThreshold,
    positiveOffset: positive.offset,
    positiveCounts: positive.counts,
    negativeOffset: negative.offset,
    negativeCounts: negative.counts,
  });
}

export function summaryPoint(r: Reader, start: number, end: number, b: SeriesBuilder): void {
  r.pos = start;
  const attrs: Labels = {};
  let timeUs = 0;
  let count = 0;
  let sum = 0;
  let flags = 0;
  const quantiles: Array<[number, number]> = [];
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case POINT_TIME:
        timeUs = readNanosAsMicros(r);
        break;
      case SUMMARY_COUNT:
        count = readFixed64(r);
        break;
      case SUMMARY_SUM:
        sum = r.double();
        break;
      case SUMMARY_QUANTILES: {
        const qEnd = subEnd(r, end);
        let q = 0;
        let v = 0;
        while (r.pos < qEnd) {
          const qt = r.uint32();
          if (qt === QUANTILE_QUANTILE) q = r.double();
          else if (qt === QUANTILE_VALUE) v = r.double();
          else r.skipType(qt & 7);
        }
        quantiles.push([q, v]);
        break;
      }
      case SUMMARY_ATTRIBUTES:
        readKeyValue(r, end, attrs);
        break;
      case SUMMARY_FLAGS:
        flags = r.uint32();
        break;
      default:
        r.skipType(t & 7);
    }
  }
  expectEnd(r, end);
  if (flags & FLAG_NO_RECORDED_VALUE) return b.skip();
  b.summary(attrs, timeUs, count, sum, quantiles);
}

/**
 * ExportMetricsServiceRequest (collector/metrics/v1/metrics_service.proto,
 * metrics/v1/metrics.proto) decoded by hand over protobufjs's Reader, straight
 * into the SeriesBuilder: no generated code, no intermediate object per point.
 * Fields may arrive in any order, so a message's children are located first
 * and decoded once the fields they depend on (names, temporality) are known.
 * Unknown fields, and known fields with an unexpected wire type, are skipped.
 */
import type { Labels, Temporality } from '@hydra/storage';
import { InvalidRequestError } from '../errors.ts';
import { SeriesBuilder, type DecodedRequest } from '../series-builder.ts';
import { readKeyValue } from './any-value.ts';
import {
  Reader,
  readFixed64,
  readNanosAsMicros,
  readSfixed64,
  readUint64Varint,
  subEnd,
  tag,
  WIRE_I64,
  WIRE_LEN,
  WIRE_VARINT,
} from './wire.ts';

/** OTLP DataPointFlags bit 0: the point marks a gap (Prometheus staleness). */
export const FLAG_NO_RECORDED_VALUE = 1;

// ExportMetricsServiceRequest / ResourceMetrics / ScopeMetrics / Resource / InstrumentationScope
const REQUEST_RESOURCE_METRICS = tag(1, WIRE_LEN);
const RM_RESOURCE = tag(1, WIRE_LEN);
const RM_SCOPE_METRICS = tag(2, WIRE_LEN);
const RESOURCE_ATTRIBUTES = tag(1, WIRE_LEN);
const SM_SCOPE = tag(1, WIRE_LEN);
const SM_METRICS = tag(2, WIRE_LEN);
const SCOPE_NAME = tag(1, WIRE_LEN);
const SCOPE_VERSION = tag(2, WIRE_LEN);
// Metric and its data
const METRIC_NAME = tag(1, WIRE_LEN);
const METRIC_DESCRIPTION = tag(2, WIRE_LEN);
const METRIC_UNIT = tag(3, WIRE_LEN);
const METRIC_GAUGE = tag(5, WIRE_LEN);
const METRIC_SUM = tag(7, WIRE_LEN);
const METRIC_HISTOGRAM = tag(9, WIRE_LEN);
const METRIC_EXP_HISTOGRAM = tag(10, WIRE_LEN);
const METRIC_SUMMARY = tag(11, WIRE_LEN);
const DATA_POINTS = tag(1, WIRE_LEN);
const DATA_TEMPORALITY = tag(2, WIRE_VARINT);
const DATA_MONOTONIC = tag(3, WIRE_VARINT);
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

const TEMPORALITIES: readonly Temporality[] = ['unspecified', 'delta', 'cumulative'];

/**
 * Decode an ExportMetricsServiceRequest. Throws InvalidRequestError (naming
 * the byte offset and the reason) when the bytes are not a valid message.
 */
export function decodeProtobufRequest(body: Uint8Array, maxMessages: number, nowUs?: number): DecodedRequest {
  const b = new SeriesBuilder(maxMessages, nowUs);
  const r = Reader.create(body);
  try {
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t === REQUEST_RESOURCE_METRICS) resourceMetrics(r, subEnd(r, r.len), b);
      else r.skipType(t & 7);
    }
  } catch (err) {
    throw new InvalidRequestError(`malformed protobuf ExportMetricsServiceRequest at byte ${r.pos}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return b.finish();
}

/** A message's last field must end exactly at the message's end. */
function expectEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new RangeError(`a field runs ${r.pos - end} byte(s) past its data point`);
}

/** Collect the [start, end) ranges of a repeated message field while a message is scanned. */
function pushRange(r: Reader, limit: number, ranges: number[]): void {
  const end = subEnd(r, limit);
  ranges.push(r.pos, end);
  r.pos = end;
}

function attributesOf(r: Reader, end: number, field: number): Labels {
  const attrs: Labels = {};
  while (r.pos < end) {
    const t = r.uint32();
    if (t === field) readKeyValue(r, end, attrs);
    else r.skipType(t & 7);
  }
  return attrs;
}

function resourceMetrics(r: Reader, end: number, b: SeriesBuilder): void {
  let resource: Labels = {};
  const scopes: number[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    if (t === RM_RESOURCE) resource = attributesOf(r, subEnd(r, end), RESOURCE_ATTRIBUTES);
    else if (t === RM_SCOPE_METRICS) pushRange(r, end, scopes);
    else r.skipType(t & 7);
  }
  b.beginResource(resource);
  for (let i = 0; i < scopes.length; i += 2) {
    r.pos = scopes[i]!;
    scopeMetrics(r, scopes[i + 1]!, b);
  }
  r.pos = end;
}

function scopeMetrics(r: Reader, end: number, b: SeriesBuilder): void {
  let name = '';
  let version = '';
  const metrics: number[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    if (t === SM_SCOPE) {
      const scopeEnd = subEnd(r, end);
      while (r.pos < scopeEnd) {
        const st = r.uint32();
        if (st === SCOPE_NAME) name = r.string();
        else if (st === SCOPE_VERSION) version = r.string();
        else r.skipType(st & 7);
      }
    } else if (t === SM_METRICS) pushRange(r, end, metrics);
    else r.skipType(t & 7);
  }
  b.beginScope(name, version);
  for (let i = 0; i < metrics.length; i += 2) {
    r.pos = metrics[i]!;
    metric(r, metrics[i + 1]!, b);
  }
}

function metric(r: Reader, end: number, b: SeriesBuilder): void {
  let name = '';
  let description = '';
  let unit = '';
  let dataTag = 0;
  let dataStart = 0;
  let dataEnd = 0;
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case METRIC_NAME:
        name = r.string();
        break;
      case METRIC_DESCRIPTION:
        description = r.string();
        break;
      case METRIC_UNIT:
        unit = r.string();
        break;
      case METRIC_GAUGE:
      case METRIC_SUM:
      case METRIC_HISTOGRAM:
      case METRIC_EXP_HISTOGRAM:
      case METRIC_SUMMARY:
        dataTag = t;
        dataEnd = subEnd(r, end);
        dataStart = r.pos;
        r.pos = dataEnd;
        break;
      default:
        r.skipType(t & 7);
    }
  }
  if (dataTag === 0) return; // a metric without data carries no points
  r.pos = dataStart;
  const points: number[] = [];
  let temporality = 0;
  let monotonic = false;
  while (r.pos < dataEnd) {
    const t = r.uint32();
    if (t === DATA_POINTS) pushRange(r, dataEnd, points);
    else if (t === DATA_TEMPORALITY && dataTag !== METRIC_GAUGE && dataTag !== METRIC_SUMMARY) temporality = r.uint32();
    else if (t === DATA_MONOTONIC && dataTag === METRIC_SUM) monotonic = r.bool();
    else r.skipType(t & 7);
  }
  const temp = TEMPORALITIES[temporality] ?? 'unspecified';
  switch (dataTag) {
    case METRIC_GAUGE:
      b.beginMetric(name, description, unit, 'gauge', 'unspecified', false);
      for (let i = 0; i < points.length; i += 2) numberPoint(r, points[i]!, points[i + 1]!, b);
      break;
    case METRIC_SUM:
      b.beginMetric(name, description, unit, 'sum', temp, monotonic);
      for (let i = 0; i < points.length; i += 2) numberPoint(r, points[i]!, points[i + 1]!, b);
      break;
    case METRIC_HISTOGRAM:
      b.beginMetric(name, description, unit, 'histogram', temp, false);
      for (let i = 0; i < points.length; i += 2) histogramPoint(r, points[i]!, points[i + 1]!, b);
      break;
    case METRIC_EXP_HISTOGRAM:
      b.beginMetric(name, description, unit, 'exponential_histogram', temp, false);
      for (let i = 0; i < points.length; i += 2) expHistogramPoint(r, points[i]!, points[i + 1]!, b);
      break;
    case METRIC_SUMMARY:
      b.beginMetric(name, description, unit, 'summary', 'cumulative', true);
      for (let i = 0; i < points.length; i += 2) summaryPoint(r, points[i]!, points[i + 1]!, b);
      break;
  }
  r.pos = end;
}

function numberPoint(r: Reader, start: number, end: number, b: SeriesBuilder): void {
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

function histogramPoint(r: Reader, start: number, end: number, b: SeriesBuilder): void {
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
        for (const packedEnd = subEnd(r, end); r.pos < packedEnd; ) bucketCounts.push(readFixed64(r));
        break;
      case HIST_BUCKET_COUNTS:
        bucketCounts.push(readFixed64(r));
        break;
      case HIST_BOUNDS_PACKED:
        for (const packedEnd = subEnd(r, end); r.pos < packedEnd; ) bounds.push(r.double());
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
      for (const packedEnd = subEnd(r, end); r.pos < packedEnd; ) counts.push(readUint64Varint(r));
    } else if (t === BUCKETS_COUNTS) counts.push(readUint64Varint(r));
    else r.skipType(t & 7);
  }
  return { offset, counts };
}

function expHistogramPoint(r: Reader, start: number, end: number, b: SeriesBuilder): void {
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

function summaryPoint(r: Reader, start: number, end: number, b: SeriesBuilder): void {
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

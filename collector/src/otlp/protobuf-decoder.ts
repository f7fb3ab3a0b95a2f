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
import { expHistogramPoint, histogramPoint, numberPoint, summaryPoint } from './protobuf-points.ts';
import { Reader, readString, subEnd, tag, WIRE_LEN, WIRE_VARINT } from './wire.ts';

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
    throw new InvalidRequestError(
      `malformed protobuf ExportMetricsServiceRequest at byte ${r.pos}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  return b.finish();
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
        if (st === SCOPE_NAME) name = readString(r);
        else if (st === SCOPE_VERSION) version = readString(r);
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
        name = readString(r);
        break;
      case METRIC_DESCRIPTION:
        description = readString(r);
        break;
      case METRIC_UNIT:
        unit = readString(r);
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

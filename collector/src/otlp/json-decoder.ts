/**
 * ExportMetricsServiceRequest in OTLP JSON (opentelemetry-proto
 * docs/specification.md "JSON Protobuf Encoding"): lowerCamelCase keys, enums
 * as integers, int64/fixed64 as decimal strings or numbers, nanosecond times
 * converted to microseconds exactly from their decimal form, unknown fields
 * ignored. Decoded into the same SeriesBuilder as protobuf. A value of the
 * wrong type makes the request invalid, with the JSON path in the message.
 */
import type { Labels, Temporality } from '@hydra/storage';
import { InvalidRequestError } from '../errors.ts';
import { SeriesBuilder, type DecodedRequest } from '../series-builder.ts';
import { FLAG_NO_RECORDED_VALUE } from './protobuf-points.ts';
import { MAX_ANY_VALUE_DEPTH } from './any-value.ts';

const DIGITS = /^\d+$/;
const SIGNED_DIGITS = /^-?\d+$/;
const TEMPORALITY_BY_NAME: Record<string, Temporality> = {
  AGGREGATION_TEMPORALITY_UNSPECIFIED: 'unspecified',
  AGGREGATION_TEMPORALITY_DELTA: 'delta',
  AGGREGATION_TEMPORALITY_CUMULATIVE: 'cumulative',
};
const TEMPORALITIES: readonly Temporality[] = ['unspecified', 'delta', 'cumulative'];

type Obj = Record<string, unknown>;

/** A type error at a JSON path; each enclosing level prefixes its own segment. */
class JsonPathError extends Error {
  constructor(
    public path: string,
    public reason: string,
  ) {
    super(reason);
  }
}

function within<T>(segment: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof JsonPathError) {
      err.path = err.path ? `${segment}.${err.path}` : segment;
      throw err;
    }
    throw err;
  }
}

/** Decode a parsed OTLP JSON body. Throws InvalidRequestError naming the JSON path and the reason. */
export function decodeJsonRequest(body: unknown, maxMessages: number, nowUs?: number): DecodedRequest {
  const b = new SeriesBuilder(maxMessages, nowUs);
  try {
    const root = object(body, 'the request body');
    const resources = list(root.resourceMetrics, 'resourceMetrics');
    for (let i = 0; i < resources.length; i++) within(`resourceMetrics[${i}]`, () => resourceMetrics(resources[i], b));
  } catch (err) {
    if (err instanceof JsonPathError) {
      throw new InvalidRequestError(`invalid OTLP JSON at ${err.path || '$'}: ${err.reason}`);
    }
    throw err;
  }
  return b.finish();
}

function fail(reason: string): never {
  throw new JsonPathError('', reason);
}

function object(v: unknown, what: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${what} must be an object`);
  return v as Obj;
}

/** An optional repeated field: absent/null → []. */
function list(v: unknown, field: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(`${field} must be an array`);
  return v;
}

function str(v: unknown, field: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') fail(`${field} must be a string`);
  return v;
}

/** int64/uint64/fixed64: a decimal string or a number. */
function int64(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && SIGNED_DIGITS.test(v)) return Number(v);
  return fail(`${field} must be an integer (decimal string or number)`);
}

/** double: a number, or "NaN" / "Infinity" / "-Infinity" as proto3 JSON writes them. */
function double(v: unknown, field: string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return fail(`${field} must be a number`);
}

function optionalDouble(v: unknown, field: string): number | null {
  return v === undefined || v === null ? null : double(v, field);
}

/** Nanoseconds since the epoch → whole µs, exact from the decimal string. */
function nanosToMicros(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'string' && DIGITS.test(v)) return v.length <= 3 ? 0 : Number(v.slice(0, -3));
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return Number(BigInt(v) / 1000n);
  return fail(`${field} must be nanoseconds since the epoch (decimal string or number)`);
}

function temporality(v: unknown): Temporality {
  if (v === undefined || v === null) return 'unspecified';
  if (typeof v === 'number') return TEMPORALITIES[v] ?? 'unspecified';
  if (typeof v === 'string' && v in TEMPORALITY_BY_NAME) return TEMPORALITY_BY_NAME[v]!;
  return fail('aggregationTemporality must be 0, 1 or 2');
}

function attributes(v: unknown): Labels {
  const out: Labels = {};
  const kvs = list(v, 'attributes');
  for (let i = 0; i < kvs.length; i++) {
    within(`attributes[${i}]`, () => {
      const kv = object(kvs[i], 'an attribute');
      out[str(kv.key, 'key')] = within('value', () => anyValueString(kv.value));
    });
  }
  return out;
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function anyValueString(v: unknown): string {
  const j = anyValue(v, 0);
  if (typeof j === 'string') return j;
  if (typeof j === 'number' || typeof j === 'boolean') return String(j);
  if (j === null) return '';
  return JSON.stringify(j);
}

function anyValue(v: unknown, depth: number): Json {
  if (depth > MAX_ANY_VALUE_DEPTH) fail(`nests deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  if (v === undefined || v === null) return null;
  const o = object(v, 'an AnyValue');
  if (o.stringValue !== undefined) return str(o.stringValue, 'stringValue');
  if (o.boolValue !== undefined) {
    if (typeof o.boolValue !== 'boolean') fail('boolValue must be a boolean');
    return o.boolValue;
  }
  if (o.intValue !== undefined) {
    const n = int64(o.intValue, 'intValue');
    return Number.isSafeInteger(n) ? n : String(o.intValue);
  }
  if (o.doubleValue !== undefined) return double(o.doubleValue, 'doubleValue');
  if (o.bytesValue !== undefined) return str(o.bytesValue, 'bytesValue');
  if (o.arrayValue !== undefined) {
    const values = list(object(o.arrayValue, 'arrayValue').values, 'arrayValue.values');
    return values.map((item, i) => within(`arrayValue.values[${i}]`, () => anyValue(item, depth + 1)));
  }
  if (o.kvlistValue !== undefined) {
    const out: { [k: string]: Json } = {};
    const values = list(object(o.kvlistValue, 'kvlistValue').values, 'kvlistValue.values');
    values.forEach((item, i) =>
      within(`kvlistValue.values[${i}]`, () => {
        const kv = object(item, 'a key-value');
        out[str(kv.key, 'key')] = within('value', () => anyValue(kv.value, depth + 1));
      }),
    );
    return out;
  }
  return null;
}

function resourceMetrics(v: unknown, b: SeriesBuilder): void {
  const rm = object(v, 'a ResourceMetrics');
  const resource = rm.resource === undefined || rm.resource === null ? {} : object(rm.resource, 'resource');
  b.beginResource(within('resource', () => attributes(resource.attributes)));
  const scopes = list(rm.scopeMetrics, 'scopeMetrics');
  for (let i = 0; i < scopes.length; i++) {
    within(`scopeMetrics[${i}]`, () => {
      const sm = object(scopes[i], 'a ScopeMetrics');
      const scope = sm.scope === undefined || sm.scope === null ? {} : object(sm.scope, 'scope');
      b.beginScope(str(scope.name, 'scope.name'), str(scope.version, 'scope.version'));
      const metrics = list(sm.metrics, 'metrics');
      for (let j = 0; j < metrics.length; j++) within(`metrics[${j}]`, () => metric(metrics[j], b));
    });
  }
}

function metric(v: unknown, b: SeriesBuilder): void {
  const m = object(v, 'a Metric');
  const name = str(m.name, 'name');
  const description = str(m.description, 'description');
  const unit = str(m.unit, 'unit');
  if (m.gauge != null) {
    const d = object(m.gauge, 'gauge');
    b.beginMetric(name, description, unit, 'gauge', 'unspecified', false);
    points(d, 'gauge', (p) => numberPoint(p, b));
  } else if (m.sum != null) {
    const d = object(m.sum, 'sum');
    if (d.isMonotonic !== undefined && typeof d.isMonotonic !== 'boolean') fail('sum.isMonotonic must be a boolean');
    b.beginMetric(name, description, unit, 'sum', temporality(d.aggregationTemporality), d.isMonotonic === true);
    points(d, 'sum', (p) => numberPoint(p, b));
  } else if (m.histogram != null) {
    const d = object(m.histogram, 'histogram');
    b.beginMetric(name, description, unit, 'histogram', temporality(d.aggregationTemporality), false);
    points(d, 'histogram', (p) => histogramPoint(p, b));
  } else if (m.exponentialHistogram != null) {
    const d = object(m.exponentialHistogram, 'exponentialHistogram');
    b.beginMetric(name, description, unit, 'exponential_histogram', temporality(d.aggregationTemporality), false);
    points(d, 'exponentialHistogram', (p) => expHistogramPoint(p, b));
  } else if (m.summary != null) {
    const d = object(m.summary, 'summary');
    b.beginMetric(name, description, unit, 'summary', 'cumulative', true);
    points(d, 'summary', (p) => summaryPoint(p, b));
  }
}

function points(data: Obj, field: string, each: (p: Obj) => void): void {
  const dps = list(data.dataPoints, `${field}.dataPoints`);
  for (let i = 0; i < dps.length; i++) {
    within(`${field}.dataPoints[${i}]`, () => each(object(dps[i], 'a data point')));
  }
}

function skipped(p: Obj, b: SeriesBuilder): boolean {
  const flags = int64(p.flags, 'flags');
  if (flags & FLAG_NO_RECORDED_VALUE) {
    b.skip();
    return true;
  }
  return false;
}

function numberPoint(p: Obj, b: SeriesBuilder): void {
  if (skipped(p, b)) return;
  const attrs = attributes(p.attributes);
  const timeUs = nanosToMicros(p.timeUnixNano, 'timeUnixNano');
  if (p.asDouble !== undefined && p.asDouble !== null) return b.number(attrs, timeUs, double(p.asDouble, 'asDouble'));
  if (p.asInt !== undefined && p.asInt !== null) return b.number(attrs, timeUs, int64(p.asInt, 'asInt'));
  b.countPoints(1);
  b.reject('invalid_point', 1, () => 'a NumberDataPoint has neither asDouble nor asInt');
}

function numbers(v: unknown, field: string, parse: (x: unknown, f: string) => number): number[] {
  return list(v, field).map((x, i) => parse(x, `${field}[${i}]`));
}

function histogramPoint(p: Obj, b: SeriesBuilder): void {
  if (skipped(p, b)) return;
  b.histogram(attributes(p.attributes), {
    timeUs: nanosToMicros(p.timeUnixNano, 'timeUnixNano'),
    startTimeUs: nanosToMicros(p.startTimeUnixNano, 'startTimeUnixNano') || null,
    count: int64(p.count, 'count'),
    sum: optionalDouble(p.sum, 'sum'),
    min: optionalDouble(p.min, 'min'),
    max: optionalDouble(p.max, 'max'),
    bounds: numbers(p.explicitBounds, 'explicitBounds', double),
    bucketCounts: numbers(p.bucketCounts, 'bucketCounts', int64),
  });
}

function buckets(v: unknown, field: string): { offset: number; counts: number[] } {
  if (v === undefined || v === null) return { offset: 0, counts: [] };
  const o = object(v, field);
  return {
    offset: int64(o.offset, `${field}.offset`),
    counts: numbers(o.bucketCounts, `${field}.bucketCounts`, int64),
  };
}

function expHistogramPoint(p: Obj, b: SeriesBuilder): void {
  if (skipped(p, b)) return;
  const positive = buckets(p.positive, 'positive');
  const negative = buckets(p.negative, 'negative');
  b.expHistogram(attributes(p.attributes), {
    timeUs: nanosToMicros(p.timeUnixNano, 'timeUnixNano'),
    startTimeUs: nanosToMicros(p.startTimeUnixNano, 'startTimeUnixNano') || null,
    count: int64(p.count, 'count'),
    sum: optionalDouble(p.sum, 'sum'),
    min: optionalDouble(p.min, 'min'),
    max: optionalDouble(p.max, 'max'),
    scale: int64(p.scale, 'scale'),
    zeroCount: int64(p.zeroCount, 'zeroCount'),
    zeroThreshold: optionalDouble(p.zeroThreshold, 'zeroThreshold') ?? 0,
    positiveOffset: positive.offset,
    positiveCounts: positive.counts,
    negativeOffset: negative.offset,
    negativeCounts: negative.counts,
  });
}

function summaryPoint(p: Obj, b: SeriesBuilder): void {
  if (skipped(p, b)) return;
  const quantiles = list(p.quantileValues, 'quantileValues').map((q, i): [number, number] =>
    within(`quantileValues[${i}]`, () => {
      const o = object(q, 'a ValueAtQuantile');
      return [optionalDouble(o.quantile, 'quantile') ?? 0, optionalDouble(o.value, 'value') ?? 0];
    }),
  );
  const sum = optionalDouble(p.sum, 'sum') ?? 0;
  b.summary(
    attributes(p.attributes),
    nanosToMicros(p.timeUnixNano, 'timeUnixNano'),
    int64(p.count, 'count'),
    sum,
    quantiles,
  );
}

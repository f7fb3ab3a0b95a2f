import { describe, expect, it } from 'vitest';
import { decodeJsonRequest } from '../src/otlp/json-decoder.ts';
import { decodeProtobufRequest } from '../src/otlp/protobuf-decoder.ts';
import { InvalidRequestError } from '../src/errors.ts';
import type { DecodedRequest } from '../src/series-builder.ts';
import type { IngestSeries } from '../src/types.ts';
import {
  END_TIME_US,
  handEncodedPayload,
  jsonPayload,
  protobufPayload,
  START_TIME_US,
} from './helpers/otlp-fixtures.ts';

const MAX_MESSAGES = 5;
const BASE_LABELS = {
  'service.name': 'checkout',
  'host.name': 'web-1',
  'k8s.replicas': '3',
  'feature.on': 'true',
  'otel.scope.name': 'hydra-test',
  'otel.scope.version': '1.2.3',
};

function find(d: DecodedRequest, name: string, labels: Record<string, string> = {}): IngestSeries {
  const s = d.series.find(
    (x) => x.ref.metric.name === name && Object.entries(labels).every(([k, v]) => x.ref.labels[k] === v),
  );
  if (!s) throw new Error(`no series ${name} ${JSON.stringify(labels)} in ${d.series.map((x) => x.ref.metric.name)}`);
  return s;
}

const decoders: Array<[string, () => DecodedRequest]> = [
  ['protobuf (ProtobufMetricsSerializer)', () => decodeProtobufRequest(protobufPayload(), MAX_MESSAGES)],
  ['JSON (JsonMetricsSerializer)', () => decodeJsonRequest(JSON.parse(jsonPayload().toString('utf8')), MAX_MESSAGES)],
];

describe.each(decoders)('OTLP decoder, %s', (_name, decode) => {
  const d = decode();

  it('counts the wire points and rejects none', () => {
    expect(d.points).toBe(6);
    expect(d.rejections.total).toBe(0);
  });

  it('decodes gauges with resource, scope and point labels; point attributes win', () => {
    const kitchen = find(d, 'room.temperature', { room: 'kitchen' });
    expect(kitchen.ref).toEqual({
      metric: {
        name: 'room.temperature',
        kind: 'gauge',
        unit: 'Cel',
        temporality: 'unspecified',
        monotonic: false,
        description: 'air temperature',
      },
      labels: { ...BASE_LABELS, room: 'kitchen' },
      identityKey: expect.any(String),
    });
    expect(kitchen.samples).toEqual([{ timeUs: END_TIME_US, value: 21.5 }]);
    const cellar = find(d, 'room.temperature', { room: 'cellar' });
    // the registry's cache key: different series never share one
    expect(cellar.ref.identityKey).not.toBe(kitchen.ref.identityKey);
    expect(cellar.ref.labels['host.name']).toBe('sensor-9');
    expect(cellar.samples).toEqual([{ timeUs: END_TIME_US, value: -3.25 }]);
  });

  it('keeps temporality and monotonicity of sums, int values exact', () => {
    const requests = find(d, 'http.requests');
    expect(requests.ref.metric).toMatchObject({
      kind: 'sum',
      temporality: 'cumulative',
      monotonic: true,
      unit: '{request}',
    });
    expect(requests.ref.labels).toMatchObject({ route: '/cart', code: '200' });
    expect(requests.samples).toEqual([{ timeUs: END_TIME_US, value: 42 }]);
    const delta = find(d, 'queue.depth.change');
    expect(delta.ref.metric).toMatchObject({ kind: 'sum', temporality: 'delta', monotonic: false });
    expect(delta.samples).toEqual([{ timeUs: END_TIME_US, value: -7.5 }]);
  });

  it('stores a histogram whole plus _count and _sum sums', () => {
    const h = find(d, 'http.duration');
    expect(h.ref.metric).toMatchObject({ kind: 'histogram', temporality: 'cumulative', unit: 'ms' });
    expect(h.histograms).toEqual([
      {
        timeUs: END_TIME_US,
        startTimeUs: START_TIME_US,
        count: 10,
        sum: 55.5,
        min: 0.5,
        max: 20,
        bounds: [0, 5, 10],
        bucketCounts: [1, 2, 3, 4],
      },
    ]);
    const count = find(d, 'http.duration_count');
    expect(count.ref.metric).toEqual({
      name: 'http.duration_count',
      kind: 'sum',
      unit: '',
      temporality: 'cumulative',
      monotonic: true,
    });
    expect(count.ref.labels).toEqual(h.ref.labels);
    expect(count.samples).toEqual([{ timeUs: END_TIME_US, value: 10 }]);
    expect(find(d, 'http.duration_sum').samples).toEqual([{ timeUs: END_TIME_US, value: 55.5 }]);
  });

  it('stores an exponential histogram whole plus _count and _sum', () => {
    const e = find(d, 'payload.size');
    expect(e.ref.metric).toMatchObject({ kind: 'exponential_histogram', temporality: 'delta', unit: 'By' });
    expect(e.expHistograms).toEqual([
      {
        timeUs: END_TIME_US,
        startTimeUs: START_TIME_US,
        count: 7,
        sum: 12.5,
        min: -3,
        max: 9,
        scale: 3,
        zeroCount: 1,
        zeroThreshold: 0,
        positiveOffset: -2,
        positiveCounts: [1, 0, 3],
        negativeOffset: 1,
        negativeCounts: [2],
      },
    ]);
    expect(find(d, 'payload.size_count').ref.metric).toMatchObject({
      kind: 'sum',
      temporality: 'delta',
      monotonic: true,
    });
    expect(find(d, 'payload.size_sum').samples).toEqual([{ timeUs: END_TIME_US, value: 12.5 }]);
  });
});

describe('protobuf decoder, hand-encoded messages', () => {
  const timeNs = 1732602400123456999n;
  const d = decodeProtobufRequest(handEncodedPayload(timeNs), MAX_MESSAGES);

  it('flattens a summary into quantile gauges plus _count and _sum', () => {
    const p50 = find(d, 'rpc.latency', { quantile: '0.5' });
    expect(p50.ref.metric).toMatchObject({ kind: 'gauge', temporality: 'unspecified' });
    expect(p50.ref.labels).toEqual({
      'service.name': 'hand-svc',
      'otel.scope.name': 'hand',
      method: 'Get',
      quantile: '0.5',
    });
    expect(p50.samples).toEqual([{ timeUs: 1732602400123456, value: 2 }]);
    expect(find(d, 'rpc.latency', { quantile: '0.99' }).samples[0]!.value).toBe(9.5);
    const count = find(d, 'rpc.latency_count');
    expect(count.ref.metric).toMatchObject({ kind: 'sum', temporality: 'cumulative', monotonic: true });
    expect(count.ref.labels).toEqual({ 'service.name': 'hand-svc', 'otel.scope.name': 'hand', method: 'Get' });
    expect(count.samples[0]!.value).toBe(100);
    expect(find(d, 'rpc.latency_sum').samples[0]!.value).toBe(250.5);
  });

  it('reads fields in any order, skips unknown fields and NO_RECORDED_VALUE points', () => {
    const g = find(d, 'late.name');
    expect(g.samples).toEqual([{ timeUs: 1732602400123456, value: 1.5 }]);
    expect(d.rejections.skipped).toBe(1);
    expect(d.points).toBe(3);
    expect(d.rejections.total).toBe(0);
  });

  it('converts nanoseconds to microseconds exactly at the 2^53 edge', () => {
    for (const ns of [0n, 999n, 1000n, 9007199254740993n, 18446744073709551000n, 1732602400999999999n]) {
      const out = decodeProtobufRequest(handEncodedPayload(ns === 0n ? 1n : ns), MAX_MESSAGES);
      const expected = Number((ns === 0n ? 1n : ns) / 1000n);
      const s = find(out, 'late.name').samples[0]!;
      if (expected === 0)
        expect(s.timeUs).toBeGreaterThan(1e15); // zero time: replaced by the receive time
      else expect(s.timeUs).toBe(expected);
    }
  });

  it('rejects truncated and garbage bytes with InvalidRequestError naming the offset', () => {
    const good = protobufPayload();
    expect(() => decodeProtobufRequest(good.subarray(0, good.length - 7), MAX_MESSAGES)).toThrow(InvalidRequestError);
    expect(() => decodeProtobufRequest(Buffer.from('this is not protobuf at all'), MAX_MESSAGES)).toThrow(
      /malformed protobuf ExportMetricsServiceRequest at byte \d+/,
    );
  });

  it('decodes an empty body as an empty request', () => {
    const empty = decodeProtobufRequest(Buffer.alloc(0), MAX_MESSAGES);
    expect(empty.series).toEqual([]);
    expect(empty.points).toBe(0);
  });
});

describe('JSON decoder quirks', () => {
  const request = (point: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'host.name', value: { stringValue: 'h1' } }], droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: 's' },
            metrics: [
              { name: 'm', sum: { dataPoints: [point], aggregationTemporality: 2, isMonotonic: true, ...extra } },
            ],
          },
        ],
        schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
        someFutureField: { nested: true },
      },
    ],
  });

  it('takes int64 as strings or numbers and ns timestamps as exact strings', () => {
    const d = decodeJsonRequest(
      request({ timeUnixNano: '1732602400123456999', asInt: '9007199254740993' }),
      MAX_MESSAGES,
    );
    expect(d.series[0]!.samples).toEqual([{ timeUs: 1732602400123456, value: 9007199254740992 }]);
    const n = decodeJsonRequest(request({ timeUnixNano: 1732602400123000, asInt: 5 }), MAX_MESSAGES);
    expect(n.series[0]!.samples).toEqual([{ timeUs: 1732602400123, value: 5 }]);
  });

  it('accepts NaN and Infinity doubles, the string form of enums, and ignores unknown fields', () => {
    const d = decodeJsonRequest(
      request(
        { timeUnixNano: '1000000', asDouble: 'NaN', unknownField: 1 },
        { aggregationTemporality: 'AGGREGATION_TEMPORALITY_DELTA' },
      ),
      MAX_MESSAGES,
    );
    expect(d.series[0]!.ref.metric.temporality).toBe('delta');
    expect(d.series[0]!.samples[0]!.value).toBeNaN();
    expect(
      decodeJsonRequest(request({ timeUnixNano: '1000000', asDouble: 'Infinity' }), 5).series[0]!.samples[0]!.value,
    ).toBe(Infinity);
  });

  it('renders AnyValue kinds as label strings', () => {
    const d = decodeJsonRequest(
      request({
        timeUnixNano: '1000000',
        asDouble: 1,
        attributes: [
          { key: 'b', value: { boolValue: false } },
          { key: 'i', value: { intValue: '-12' } },
          { key: 'd', value: { doubleValue: 0.25 } },
          { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 2 }] } } },
          { key: 'kv', value: { kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } } },
          { key: 'bytes', value: { bytesValue: 'AQID' } },
          { key: 'empty', value: {} },
        ],
      }),
      MAX_MESSAGES,
    );
    expect(d.series[0]!.ref.labels).toMatchObject({
      b: 'false',
      i: '-12',
      d: '0.25',
      arr: '["x",2]',
      kv: '{"k":true}',
      bytes: 'AQID',
      empty: '',
    });
  });

  it('names the JSON path and the reason of a type error', () => {
    expect(() => decodeJsonRequest(request({ timeUnixNano: 'yesterday', asDouble: 1 }), MAX_MESSAGES)).toThrow(
      'invalid OTLP JSON at resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints[0]: timeUnixNano must be nanoseconds since the epoch (decimal string or number)',
    );
    expect(() => decodeJsonRequest({ resourceMetrics: {} }, MAX_MESSAGES)).toThrow('resourceMetrics must be an array');
    expect(() => decodeJsonRequest([], MAX_MESSAGES)).toThrow('the request body must be an object');
  });

  it('rejects a point without a value as a partial failure, skips NO_RECORDED_VALUE', () => {
    const d = decodeJsonRequest(request({ timeUnixNano: '1000000' }), MAX_MESSAGES);
    expect(d.rejections.total).toBe(1);
    expect(d.rejections.messages[0]).toMatch(/neither asDouble nor asInt/);
    const s = decodeJsonRequest(request({ timeUnixNano: '1000000', flags: 1 }), MAX_MESSAGES);
    expect(s.rejections.skipped).toBe(1);
    expect(s.series).toEqual([]);
  });

  it('rejects a histogram whose bucket counts do not match its bounds', () => {
    const d = decodeJsonRequest(
      {
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'h',
                    histogram: {
                      aggregationTemporality: 2,
                      dataPoints: [
                        { timeUnixNano: '1000000', count: '3', bucketCounts: ['1', '2'], explicitBounds: [1, 2] },
                      ],
                    },
                  },
                ],
              },
            ],
          },
        ],
      },
      MAX_MESSAGES,
    );
    expect(d.series).toEqual([]);
    expect(d.rejections.byReason.get('invalid_point')).toBe(1);
    expect(d.rejections.messages[0]).toMatch(/bucket_counts has 2 entries, explicit_bounds 2/);
  });
});

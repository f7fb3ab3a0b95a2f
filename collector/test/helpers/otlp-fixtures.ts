/**
 * Known OTLP payloads built with the real @opentelemetry/otlp-transformer
 * serializers from SDK ResourceMetrics (gauge, sums, histogram, exponential
 * histogram), and hand-encoded messages for what the SDK cannot produce
 * (summaries, NO_RECORDED_VALUE, odd field orders).
 */
import { ValueType, type HrTime } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import protobuf from 'protobufjs/minimal.js';

/** 2024-11-26T06:26:40Z plus a nanosecond part whose naive Number() conversion rounds up a µs. */
export const END_TIME: HrTime = [1732602400, 123456999];
export const END_TIME_US = 1732602400123456;
export const START_TIME: HrTime = [1732602300, 5];
export const START_TIME_US = 1732602300000000;

export const RESOURCE_ATTRIBUTES = {
  'service.name': 'checkout',
  'host.name': 'web-1',
  'k8s.replicas': 3,
  'feature.on': true,
};
export const SCOPE = { name: 'hydra-test', version: '1.2.3' };

/** The known payload; `prefix` is put before every metric name so tests do not share series. */
export function sdkResourceMetrics(endTime: HrTime = END_TIME, prefix = ''): ResourceMetrics {
  return {
    resource: resourceFromAttributes(RESOURCE_ATTRIBUTES),
    scopeMetrics: [
      {
        scope: SCOPE,
        metrics: [
          {
            descriptor: {
              name: prefix + 'room.temperature',
              description: 'air temperature',
              unit: 'Cel',
              valueType: ValueType.DOUBLE,
            },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.GAUGE,
            dataPoints: [
              { startTime: START_TIME, endTime, attributes: { room: 'kitchen' }, value: 21.5 },
              { startTime: START_TIME, endTime, attributes: { room: 'cellar', 'host.name': 'sensor-9' }, value: -3.25 },
            ],
          },
          {
            descriptor: {
              name: prefix + 'http.requests',
              description: '',
              unit: '{request}',
              valueType: ValueType.INT,
            },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.SUM,
            isMonotonic: true,
            dataPoints: [{ startTime: START_TIME, endTime, attributes: { route: '/cart', code: 200 }, value: 42 }],
          },
          {
            descriptor: { name: prefix + 'queue.depth.change', description: '', unit: '', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.DELTA,
            dataPointType: DataPointType.SUM,
            isMonotonic: false,
            dataPoints: [{ startTime: START_TIME, endTime, attributes: {}, value: -7.5 }],
          },
          {
            descriptor: { name: prefix + 'http.duration', description: '', unit: 'ms', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.CUMULATIVE,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints: [
              {
                startTime: START_TIME,
                endTime,
                attributes: { route: '/cart' },
                value: {
                  buckets: { boundaries: [0, 5, 10], counts: [1, 2, 3, 4] },
                  count: 10,
                  sum: 55.5,
                  min: 0.5,
                  max: 20,
                },
              },
            ],
          },
          {
            descriptor: { name: prefix + 'payload.size', description: '', unit: 'By', valueType: ValueType.DOUBLE },
            aggregationTemporality: AggregationTemporality.DELTA,
            dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
            dataPoints: [
              {
                startTime: START_TIME,
                endTime,
                attributes: {},
                value: {
                  count: 7,
                  sum: 12.5,
                  min: -3,
                  max: 9,
                  scale: 3,
                  zeroCount: 1,
                  positive: { offset: -2, bucketCounts: [1, 0, 3] },
                  negative: { offset: 1, bucketCounts: [2] },
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

export function protobufPayload(rm: ResourceMetrics = sdkResourceMetrics()): Buffer {
  const bytes = ProtobufMetricsSerializer.serializeRequest(rm);
  if (!bytes) throw new Error('ProtobufMetricsSerializer produced nothing');
  return Buffer.from(bytes);
}

export function jsonPayload(rm: ResourceMetrics = sdkResourceMetrics()): Buffer {
  const bytes = JsonMetricsSerializer.serializeRequest(rm);
  if (!bytes) throw new Error('JsonMetricsSerializer produced nothing');
  return Buffer.from(bytes);
}

const { Writer } = protobuf;
type W = protobuf.Writer;

function fixed64(w: W, field: number, value: bigint): void {
  w.uint32((field << 3) | 1)
    .fixed32(Number(value & 0xffffffffn))
    .fixed32(Number(value >> 32n));
}

function keyValue(w: W, field: number, key: string, value: string): void {
  w.uint32((field << 3) | 2).fork();
  w.uint32(10).string(key);
  w.uint32(18).fork().uint32(10).string(value).ldelim();
  w.ldelim();
}

/**
 * A request with a summary point (quantiles 0.5 and 0.99), a gauge point
 * flagged NO_RECORDED_VALUE, and a gauge whose Metric fields arrive data
 * first and name last, with unknown fields in between.
 */
export function handEncodedPayload(timeNs: bigint): Buffer {
  const w = Writer.create();
  w.uint32(10).fork(); // ResourceMetrics
  w.uint32(18).fork(); // ScopeMetrics (before the resource, on purpose)
  w.uint32(10).fork().uint32(10).string('hand').ldelim(); // scope.name
  // summary metric
  w.uint32(18).fork();
  w.uint32(10).string('rpc.latency');
  w.uint32(90).fork(); // summary
  w.uint32(10).fork(); // SummaryDataPoint
  keyValue(w, 7, 'method', 'Get');
  fixed64(w, 3, timeNs);
  fixed64(w, 4, 100n); // count
  w.uint32((5 << 3) | 1).double(250.5); // sum
  w.uint32(50).fork().uint32(9).double(0.5).uint32(17).double(2).ldelim();
  w.uint32(50).fork().uint32(9).double(0.99).uint32(17).double(9.5).ldelim();
  w.ldelim();
  w.ldelim(); // summary
  w.ldelim(); // metric
  // gauge: data first, unknown fields, name last; one point flagged NO_RECORDED_VALUE
  w.uint32(18).fork();
  w.uint32(42).fork(); // gauge
  w.uint32(10).fork();
  fixed64(w, 3, timeNs);
  w.uint32((4 << 3) | 1).double(1.5);
  w.uint32(99 << 3).uint32(12345); // unknown varint field 99
  w.ldelim();
  w.uint32(10).fork();
  fixed64(w, 3, timeNs);
  w.uint32(64).uint32(1); // flags = NO_RECORDED_VALUE
  w.ldelim();
  w.ldelim(); // gauge
  w.uint32((77 << 3) | 2).string('unknown length-delimited field');
  w.uint32(10).string('late.name');
  w.ldelim(); // metric
  w.ldelim(); // ScopeMetrics
  w.uint32(10).fork(); // Resource after its scope metrics
  keyValue(w, 1, 'service.name', 'hand-svc');
  w.ldelim();
  w.ldelim(); // ResourceMetrics
  return Buffer.from(w.finish());
}

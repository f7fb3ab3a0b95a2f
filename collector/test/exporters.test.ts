/**
 * The real OpenTelemetry exporters (OTLP/HTTP protobuf with gzip, OTLP/HTTP
 * JSON, OTLP/gRPC) and the SDK's MeterProvider send known points to a running
 * collector; the rows in the database must equal them exactly.
 */
import type { HrTime } from '@opentelemetry/api';
import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as HttpJsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as HttpProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { queryRange } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sdkResourceMetrics, START_TIME_US } from './helpers/otlp-fixtures.ts';
import {
  startPipeline,
  storedExpHistograms,
  storedHistograms,
  storedSamples,
  type Pipeline,
} from './helpers/pipeline.ts';

const EXPORT_SUCCESS = 0; // ExportResultCode.SUCCESS
const NANOS = 123456999;

function exportWith(exporter: PushMetricExporter, rm: ResourceMetrics): Promise<void> {
  return new Promise((resolve, reject) =>
    exporter.export(rm, (result) =>
      result.code === EXPORT_SUCCESS
        ? resolve()
        : reject(result.error ?? new Error(`export failed with code ${result.code}`)),
    ),
  );
}

describe.each(testBackends())('OTel exporters → collector → %s', (backend) => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline(backend);
  }, 60_000);
  afterAll(async () => {
    await p?.close();
  });

  const exporters: Array<[string, () => PushMetricExporter]> = [
    [
      'OTLP/HTTP protobuf, gzip',
      () => new HttpProtoExporter({ url: `${p.collector.httpUrl}/v1/metrics`, compression: 'gzip' as never }),
    ],
    ['OTLP/HTTP JSON', () => new HttpJsonExporter({ url: `${p.collector.httpUrl}/v1/metrics` })],
    [
      'OTLP/gRPC, gzip',
      () => new GrpcExporter({ url: `http://${p.collector.grpcAddress}`, compression: 'gzip' as never }),
    ],
  ];

  it.each(exporters)('%s: every point type is stored exactly', async (name, make) => {
    const prefix = name.replace(/\W+/g, '_') + '.';
    const seconds = Math.floor(Date.now() / 1000) - 60;
    const endTime: HrTime = [seconds, NANOS];
    const timeUs = seconds * 1_000_000 + Math.floor(NANOS / 1000);
    const exporter = make();
    await exportWith(exporter, sdkResourceMetrics(endTime, prefix));
    await exporter.shutdown();

    const resource = { 'service.name': 'checkout', 'host.name': 'web-1', 'k8s.replicas': '3', 'feature.on': 'true' };
    const scope = { 'otel.scope.name': 'hydra-test', 'otel.scope.version': '1.2.3' };
    expect(await storedSamples(p.db, prefix + 'room.temperature')).toEqual([
      {
        metric: prefix + 'room.temperature',
        kind: 'gauge',
        temporality: 'unspecified',
        monotonic: false,
        labels: { ...resource, ...scope, room: 'cellar', 'host.name': 'sensor-9' },
        timeUs,
        value: -3.25,
      },
      {
        metric: prefix + 'room.temperature',
        kind: 'gauge',
        temporality: 'unspecified',
        monotonic: false,
        labels: { ...resource, ...scope, room: 'kitchen' },
        timeUs,
        value: 21.5,
      },
    ]);
    expect(await storedSamples(p.db, prefix + 'http.requests')).toEqual([
      {
        metric: prefix + 'http.requests',
        kind: 'sum',
        temporality: 'cumulative',
        monotonic: true,
        labels: { ...resource, ...scope, route: '/cart', code: '200' },
        timeUs,
        value: 42,
      },
    ]);
    expect(await storedSamples(p.db, prefix + 'queue.depth.change')).toMatchObject([
      { kind: 'sum', temporality: 'delta', monotonic: false, timeUs, value: -7.5 },
    ]);
    expect(await storedHistograms(p.db, prefix + 'http.duration')).toEqual([
      {
        timeUs,
        startTimeUs: START_TIME_US,
        count: 10,
        sum: 55.5,
        min: 0.5,
        max: 20,
        bounds: [0, 5, 10],
        bucketCounts: [1, 2, 3, 4],
      },
    ]);
    expect(await storedSamples(p.db, prefix + 'http.duration_count')).toMatchObject([
      { kind: 'sum', monotonic: true, timeUs, value: 10 },
    ]);
    expect(await storedSamples(p.db, prefix + 'http.duration_sum')).toMatchObject([
      { kind: 'sum', timeUs, value: 55.5 },
    ]);
    expect(await storedExpHistograms(p.db, prefix + 'payload.size')).toEqual([
      {
        timeUs,
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
    expect(await storedSamples(p.db, prefix + 'payload.size_count')).toMatchObject([
      { temporality: 'delta', timeUs, value: 7 },
    ]);

    // the same rows through the storage query the API serves
    const window = { from: new Date(timeUs / 1000 - 1000), to: new Date(timeUs / 1000 + 1000) };
    const kitchen = await queryRange(p.db, {
      name: prefix + 'room.temperature',
      matchers: [{ name: 'room', op: '=', value: 'kitchen' }],
      ...window,
    });
    expect(kitchen.series).toHaveLength(1);
    expect(kitchen.series[0]).toMatchObject({
      kind: 'gauge',
      unit: 'Cel',
      labels: { ...resource, ...scope, room: 'kitchen' },
    });
    expect(kitchen.series[0]!.points).toEqual([[timeUs / 1000, 21.5]]);
    const duration = await queryRange(p.db, { name: prefix + 'http.duration', matchers: [], ...window });
    expect(duration.series[0]!.histograms).toEqual([
      {
        t: timeUs / 1000,
        startT: START_TIME_US / 1000,
        count: 10,
        sum: 55.5,
        min: 0.5,
        max: 20,
        bounds: [0, 5, 10],
        bucketCounts: [1, 2, 3, 4],
      },
    ]);
  });

  it('MeterProvider instruments: counter, gauge and histogram values arrive as recorded', async () => {
    const exporter = new HttpProtoExporter({ url: `${p.collector.httpUrl}/v1/metrics` });
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'sdk-e2e' }),
      readers: [reader],
    });
    const meter = provider.getMeter('e2e', '0.1.0');
    const before = Date.now() * 1000;
    const counter = meter.createCounter('sdk.jobs.done');
    counter.add(5, { queue: 'a' });
    counter.add(7, { queue: 'a' });
    meter.createGauge('sdk.temperature', { unit: 'Cel' }).record(19.75, { room: 'lab' });
    const histogram = meter.createHistogram('sdk.latency', {
      unit: 'ms',
      advice: { explicitBucketBoundaries: [5, 10] },
    });
    for (const v of [1, 7, 12]) histogram.record(v);
    await provider.shutdown(); // one final collection and export
    const after = Date.now() * 1000;

    const [jobs] = await storedSamples(p.db, 'sdk.jobs.done');
    expect(jobs).toMatchObject({ kind: 'sum', temporality: 'cumulative', monotonic: true, value: 12 });
    expect(jobs!.labels).toEqual({
      'service.name': 'sdk-e2e',
      'otel.scope.name': 'e2e',
      'otel.scope.version': '0.1.0',
      queue: 'a',
    });
    expect(jobs!.timeUs).toBeGreaterThanOrEqual(before);
    expect(jobs!.timeUs).toBeLessThanOrEqual(after);
    expect(await storedSamples(p.db, 'sdk.temperature')).toMatchObject([{ kind: 'gauge', value: 19.75 }]);
    expect(await storedHistograms(p.db, 'sdk.latency')).toMatchObject([
      { count: 3, sum: 20, min: 1, max: 12, bounds: [5, 10], bucketCounts: [1, 1, 1] },
    ]);
    expect(await storedSamples(p.db, 'sdk.latency_count')).toMatchObject([{ value: 3 }]);
  });
});

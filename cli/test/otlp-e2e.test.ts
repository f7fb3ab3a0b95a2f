/**
 * The real OpenTelemetry SDK sends known gauge, counter and histogram values
 * through each OTLP exporter (http/protobuf, http/json, grpc) to a running
 * collector; GET /metrics then returns exactly those values at exactly the
 * exported timestamps.
 */
import type { HrTime } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter as GrpcExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as JsonExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { startCollector, type RunningCollector } from '@hydra/collector';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStack, type TestStack } from './helpers.ts';

/** Passes every export to the real exporter and keeps what it exported (to know the SDK's timestamps). */
class Recording implements PushMetricExporter {
  readonly exported: ResourceMetrics[] = [];
  constructor(private readonly inner: PushMetricExporter) {}
  export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    this.exported.push(metrics);
    this.inner.export(metrics, (result) => {
      if (result.error) throw result.error;
      done(result);
    });
  }
  selectAggregationTemporality = (
    kind: Parameters<NonNullable<PushMetricExporter['selectAggregationTemporality']>>[0],
  ) => this.inner.selectAggregationTemporality!(kind);
  forceFlush = () => this.inner.forceFlush();
  shutdown = () => this.inner.shutdown();
}

const toUs = ([s, ns]: HrTime) => s * 1_000_000 + Math.floor(ns / 1000);
const msToUs = (t: number) => Math.round(t * 1000);

const EXPORTERS = {
  'http/protobuf': (c: RunningCollector) => new ProtoExporter({ url: `${c.httpUrl}/v1/metrics` }),
  'http/json': (c: RunningCollector) => new JsonExporter({ url: `${c.httpUrl}/v1/metrics` }),
  grpc: (c: RunningCollector) => new GrpcExporter({ url: `http://${c.grpcAddress}` }),
};

// hydra's processes end to end, in plain mode: the storage, collector, API and job suites run both modes
describe.each(testBackends({ timescaledb: false }))('OTLP exporters → collector → GET /metrics (%s)', (backend) => {
  let stack: TestStack;
  let collector: RunningCollector;
  beforeAll(async () => {
    stack = await openTestStack(backend);
    collector = await startCollector(stack.ingestor, { host: '127.0.0.1', httpPort: 0, grpcPort: 0 });
  });
  afterAll(async () => {
    await collector?.shutdown();
    await stack?.close();
  });

  it.each(Object.keys(EXPORTERS) as Array<keyof typeof EXPORTERS>)(
    '%s: stores the exact values and timestamps',
    async (protocol) => {
      const service = `e2e-${protocol.replace('/', '-')}`;
      const recording = new Recording(EXPORTERS[protocol](collector));
      const provider = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': service }),
        readers: [new PeriodicExportingMetricReader({ exporter: recording, exportIntervalMillis: 3_600_000 })],
      });
      const meter = provider.getMeter('e2e');
      const temperature = meter.createGauge('room.temperature', { unit: 'Cel' });
      const requests = meter.createCounter('requests');
      const latency = meter.createHistogram('latency', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } });

      temperature.record(21.25, { room: 'a' });
      requests.add(7, { room: 'a' });
      requests.add(5, { room: 'a' });
      for (const v of [3, 30, 300]) latency.record(v, { room: 'a' });
      await provider.forceFlush();
      temperature.record(-3.5, { room: 'a' });
      requests.add(3, { room: 'a' });
      latency.record(50, { room: 'a' });
      await provider.forceFlush();
      // (shutdown would export a third time: it comes after the checks)
      try {
        await checkStored(service, recording);
      } finally {
        await provider.shutdown();
      }
    },
  );

  async function checkStored(service: string, recording: Recording): Promise<void> {
    const sent = recording.exported.flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics));
    const timesOf = (name: string) =>
      sent.filter((m) => m.descriptor.name === name).map((m) => toUs(m.dataPoints[0]!.endTime));
    expect(timesOf('requests')).toHaveLength(2);

    const query = (name: string) =>
      stack.queryMetrics({
        name,
        match: `service.name="${service}"`,
        from: String(Date.now() - 600_000),
        to: String(Date.now() + 60_000),
      });
    const labels = { 'service.name': service, 'otel.scope.name': 'e2e', room: 'a' };

    const gauge = await query('room.temperature');
    expect(gauge.series).toHaveLength(1);
    expect(gauge.series[0]).toMatchObject({ kind: 'gauge', unit: 'Cel', labels });
    expect(gauge.series[0]!.points.map(([t, v]) => [msToUs(t), v])).toEqual(
      timesOf('room.temperature').map((t, i) => [t, [21.25, -3.5][i]]),
    );

    const counter = await query('requests');
    expect(counter.series[0]).toMatchObject({ kind: 'sum', monotonic: true, temporality: 'cumulative', labels });
    expect(counter.series[0]!.points.map(([t, v]) => [msToUs(t), v])).toEqual(
      timesOf('requests').map((t, i) => [t, [12, 15][i]]),
    );

    const histogram = await query('latency');
    expect(histogram.series[0]).toMatchObject({ kind: 'histogram', unit: 'ms', labels });
    const hist = histogram.series[0]!.histograms!;
    const [t1, t2] = timesOf('latency');
    expect(hist.map((h) => ({ ...h, t: msToUs(h.t), startT: h.startT === null ? null : msToUs(h.startT) }))).toEqual([
      {
        t: t1,
        startT: expect.any(Number),
        count: 3,
        sum: 333,
        min: 3,
        max: 300,
        bounds: [10, 100],
        bucketCounts: [1, 1, 1],
      },
      {
        t: t2,
        startT: expect.any(Number),
        count: 4,
        sum: 383,
        min: 3,
        max: 300,
        bounds: [10, 100],
        bucketCounts: [1, 2, 1],
      },
    ]);
    const count = await query('latency_count');
    expect(count.series[0]!.points.map(([t, v]) => [msToUs(t), v])).toEqual([
      [t1, 3],
      [t2, 4],
    ]);
  }
});

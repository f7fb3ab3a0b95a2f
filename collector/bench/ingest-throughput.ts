/**
 * End-to-end ingest throughput: OTLP/HTTP protobuf requests (SERIES gauge
 * points each, one point per series, new timestamps every request) POSTed
 * CONCURRENCY at a time to a running collector, committed to a fresh database
 * (PostgreSQL at HYDRA_TEST_DATABASE_URL, else the embedded PGlite). The first
 * request creates the series and is not timed. Prints points/s.
 *
 *   HYDRA_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx collector/bench/ingest-throughput.ts
 */
import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { startPipeline } from '../test/helpers/pipeline.ts';

const SERIES = 10_000;
const METRICS = 10;
const REQUESTS = 30;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

function request(seconds: number): Buffer {
  const perMetric = SERIES / METRICS;
  const rm: ResourceMetrics = {
    resource: resourceFromAttributes({
      'service.name': 'bench',
      'host.name': 'bench-host',
      'k8s.pod.name': 'bench-7d9f',
    }),
    scopeMetrics: [
      {
        scope: { name: 'bench', version: '1.0.0' },
        metrics: Array.from({ length: METRICS }, (_, m) => ({
          descriptor: { name: `bench.ingest.${m}`, description: '', unit: '1', valueType: ValueType.DOUBLE },
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.GAUGE as const,
          dataPoints: Array.from({ length: perMetric }, (_, i) => ({
            startTime: [seconds, 0] as [number, number],
            endTime: [seconds, 0] as [number, number],
            attributes: { instance: `i-${i}`, zone: `z-${i % 3}` },
            value: Math.random() * 100,
          })),
        })),
      },
    ],
  };
  return Buffer.from(ProtobufMetricsSerializer.serializeRequest(rm)!);
}

async function post(url: string, body: Buffer): Promise<void> {
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-protobuf' } });
  if (res.status !== 200) throw new Error(`export answered ${res.status}: ${await res.text()}`);
  await res.arrayBuffer();
}

const backend = process.env.HYDRA_TEST_DATABASE_URL ? 'postgres' : 'pglite';
const p = await startPipeline(backend, {}, true);
try {
  const url = `${p.collector.httpUrl}/v1/metrics`;
  const start = Math.floor(Date.now() / 1000) - REQUESTS - 10;
  await post(url, request(start - 1)); // creates the series
  const bodies = Array.from({ length: REQUESTS }, (_, i) => request(start + i));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < bodies.length) await post(url, bodies[next++]!);
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const points = REQUESTS * SERIES;
  const rate = (x: number) => Math.round(points / x).toLocaleString('en');
  console.log(
    `${backend}: ${points.toLocaleString('en')} points in ${seconds.toFixed(2)} s = ${rate(seconds)} points/s wall; ` +
      `this process (client + collector) used ${cpuSeconds.toFixed(2)} CPU-s = ${rate(cpuSeconds)} points per CPU-second ` +
      `(${REQUESTS} requests × ${SERIES} points, ${CONCURRENCY} concurrent)`,
  );
} finally {
  await p.close();
}

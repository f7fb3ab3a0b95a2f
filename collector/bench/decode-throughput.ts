/**
 * Decoder throughput: an ExportMetricsServiceRequest of METRICS × POINTS gauge
 * points (3 point attributes, 6 resource attributes), serialized by the real
 * @opentelemetry/otlp-transformer, decoded REPS times by hydra's protobuf and
 * JSON decoders. Prints points per wall-clock second and per CPU second
 * (process.cpuUsage: the second is meaningful on a shared, busy machine),
 * medians of the reps.
 *
 *   npx tsx collector/bench/decode-throughput.ts
 */
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { decodeJsonRequest } from '../src/otlp/json-decoder.ts';
import { decodeProtobufRequest } from '../src/otlp/protobuf-decoder.ts';

const METRICS = 50;
const POINTS = 1000;
const REPS = 7;

function payload(): ResourceMetrics {
  const seconds = Math.floor(Date.now() / 1000);
  return {
    resource: resourceFromAttributes({
      'service.name': 'bench',
      'service.instance.id': 'bench-1',
      'host.name': 'bench-host',
      'k8s.namespace.name': 'default',
      'k8s.pod.name': 'bench-7d9f',
      'telemetry.sdk.language': 'nodejs',
    }),
    scopeMetrics: [
      {
        scope: { name: 'bench', version: '1.0.0' },
        metrics: Array.from({ length: METRICS }, (_, m) => ({
          descriptor: { name: `bench.metric.${m}`, description: '', unit: '1', valueType: ValueType.DOUBLE },
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.GAUGE as const,
          dataPoints: Array.from({ length: POINTS }, (_, i) => ({
            startTime: [seconds - 60, 0] as [number, number],
            endTime: [seconds, i * 1000] as [number, number],
            attributes: { pod: `pod-${i % 100}`, container: `c-${i % 7}`, zone: `z-${i % 3}` },
            value: Math.random() * 100,
          })),
        })),
      },
    ],
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function bench(label: string, bytes: number, run: () => number): void {
  run(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const points = run();
    const c = process.cpuUsage(c0);
    wall.push(points / ((performance.now() - t0) / 1000));
    cpu.push(points / ((c.user + c.system) / 1e6));
  }
  const fmt = (xs: number[]) => Math.round(median(xs)).toLocaleString('en');
  console.log(
    `${label}: ${fmt(wall)} points/s wall, ${fmt(cpu)} points per CPU-second (body ${(bytes / 1e6).toFixed(1)} MB)`,
  );
}

const rm = payload();
const proto = Buffer.from(ProtobufMetricsSerializer.serializeRequest(rm)!);
const json = Buffer.from(JsonMetricsSerializer.serializeRequest(rm)!);
bench('protobuf decode', proto.length, () => decodeProtobufRequest(proto, 5).points);
bench('JSON parse + decode', json.length, () => decodeJsonRequest(JSON.parse(json.toString('utf8')), 5).points);

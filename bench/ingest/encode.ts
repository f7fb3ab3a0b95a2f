/**
 * Pre-encodes the ingest benchmark's OTLP requests: `ExportMetricsServiceRequest`
 * protobuf bodies of gauge points, written with protobufjs's Writer so that the
 * timed part of the benchmark spends nothing on encoding.
 *
 * Layout: `metrics` metric names × `seriesPerMetric` series (attribute `series.id`),
 * one resource (`service.name`, `host.name`) per request; every round gives every
 * series one point, `pointsPerRequest` points per request.
 */
import protobuf from 'protobufjs/minimal.js';

const { Writer } = protobuf;

export interface WorkloadShape {
  metrics: number;
  seriesPerMetric: number;
  pointsPerRequest: number;
  rounds: number;
  /** µs epoch of round 0 */
  startUs: number;
  intervalUs: number;
}

export const DEFAULT_SHAPE: Omit<WorkloadShape, 'startUs'> = {
  metrics: 10,
  seriesPerMetric: 1_000,
  pointsPerRequest: 1_000,
  rounds: 200,
  intervalUs: 10_000_000,
};

function keyValue(w: protobuf.Writer, field: number, key: string, value: string): void {
  w.uint32((field << 3) | 2).fork();
  w.uint32((1 << 3) | 2).string(key);
  w.uint32((2 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string(value)
    .ldelim();
  w.ldelim();
}

/** Encodes one request holding the points of `series` (global indexes) for one round. */
export function encodeRequest(shape: WorkloadShape, round: number, firstSeries: number, count: number): Uint8Array {
  const timeNs = BigInt(shape.startUs + round * shape.intervalUs) * 1000n;
  const lo = Number(timeNs & 0xffffffffn);
  const hi = Number(timeNs >> 32n);
  const w = Writer.create();
  w.uint32((1 << 3) | 2).fork(); // resource_metrics
  w.uint32((1 << 3) | 2).fork(); // resource
  keyValue(w, 1, 'service.name', 'bench');
  keyValue(w, 1, 'host.name', 'bench-host');
  w.ldelim();
  w.uint32((2 << 3) | 2).fork(); // scope_metrics
  w.uint32((1 << 3) | 2)
    .fork()
    .uint32((1 << 3) | 2)
    .string('hydra-bench')
    .ldelim(); // scope
  let s = firstSeries;
  const end = firstSeries + count;
  while (s < end) {
    const metric = Math.floor(s / shape.seriesPerMetric);
    const metricEnd = Math.min(end, (metric + 1) * shape.seriesPerMetric);
    w.uint32((2 << 3) | 2).fork(); // metric
    w.uint32((1 << 3) | 2).string(`bench.metric_${metric}`);
    w.uint32((5 << 3) | 2).fork(); // gauge
    for (; s < metricEnd; s++) {
      w.uint32((1 << 3) | 2).fork(); // data point
      keyValue(w, 7, 'series.id', String(s));
      w.uint32((3 << 3) | 1)
        .fixed32(lo)
        .fixed32(hi); // fixed64, little-endian words
      w.uint32((4 << 3) | 1).double(valueOf(s, round));
      w.ldelim();
    }
    w.ldelim();
    w.ldelim();
  }
  w.ldelim();
  w.ldelim();
  return w.finish();
}

/** The value of series `s` at round `r`: deterministic, full-precision doubles. */
export function valueOf(s: number, r: number): number {
  return Math.sin(s * 0.37 + r * 0.011) * 100 + s / 7;
}

export function totalSeries(shape: WorkloadShape): number {
  return shape.metrics * shape.seriesPerMetric;
}

/** All requests of one round, in order. */
export function encodeRound(shape: WorkloadShape, round: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  const total = totalSeries(shape);
  for (let first = 0; first < total; first += shape.pointsPerRequest) {
    out.push(encodeRequest(shape, round, first, Math.min(shape.pointsPerRequest, total - first)));
  }
  return out;
}

/**
 * A MetricProducer for the Prometheus exporter of a `hydra` process: on every
 * scrape it asks the attached source (the AnalysisExporter) for its gauges and
 * hands them over as they are — so exactly the series of the current snapshot
 * are exported, and a series that left the snapshot leaves the exposition.
 * cli/src/telemetry.ts builds the exporter with ANALYSIS_METRICS; a process
 * without an AnalysisExporter attached (the collector, the operator) produces
 * nothing.
 */
import { ValueType, type Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type GaugeMetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';

/** One gauge family: the OTel name (`hydra.anomaly.score`, exported as `hydra_anomaly_score`) and its points. */
export type GaugeData = GaugeMetricData;

/** The instrumentation scope of the produced families (the exporter's `otel_scope_name` label). */
export const PRODUCER_SCOPE = { name: 'hydra' };
// The reader keeps the SDK's Resource and ignores the producer's.
const IGNORED_RESOURCE = {} as CollectionResult['resourceMetrics']['resource'];

/** A gauge family of `points` observed now. */
export function gauge(
  name: string,
  description: string,
  points: ReadonlyArray<{ value: number; attributes: Attributes }>,
): GaugeData {
  const seconds = Date.now() / 1000;
  const time: [number, number] = [Math.floor(seconds), Math.round((seconds % 1) * 1e9)];
  return {
    descriptor: { name, description, unit: '', valueType: ValueType.DOUBLE },
    aggregationTemporality: AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.GAUGE,
    dataPoints: points.map((p) => ({ startTime: time, endTime: time, attributes: p.attributes, value: p.value })),
  };
}

export class AnalysisMetricProducer implements MetricProducer {
  #source: (() => GaugeData[]) | null = null;

  /** @throws Error when a source is attached already (one exporter per process) */
  attach(source: () => GaugeData[]): void {
    if (this.#source) throw new Error('AnalysisMetricProducer: a source is attached already');
    this.#source = source;
  }

  detach(): void {
    this.#source = null;
  }

  collect(): Promise<CollectionResult> {
    let metrics: GaugeData[] = [];
    const errors: unknown[] = [];
    try {
      metrics = this.#source?.() ?? [];
    } catch (err) {
      errors.push(err);
    }
    return Promise.resolve({
      resourceMetrics: {
        resource: IGNORED_RESOURCE,
        scopeMetrics: metrics.length > 0 ? [{ scope: PRODUCER_SCOPE, metrics }] : [],
      },
      errors,
    });
  }
}

/** The producer of this process (cli/src/telemetry.ts registers it with the Prometheus exporter). */
export const ANALYSIS_METRICS = new AnalysisMetricProducer();

/**
 * The operator's own metrics (OpenTelemetry, exported in the Prometheus text format at /metrics): reconciles by
 * result and their duration, API requests by verb/resource/code, watch restarts, queue depth, leadership. Each
 * operator instance has its own MeterProvider, so two instances in one process (tests) do not mix their numbers.
 */
import type { Counter, Histogram } from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MUTATING_VERBS, type Verb } from './kube/client.ts';
import { OPERATOR_VERSION } from './constants.ts';

/** Bucket bounds (seconds) of the reconcile duration histogram. */
export const RECONCILE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type ReconcileResult = 'applied' | 'unchanged' | 'paused' | 'deleted' | 'error';

export class OperatorMetrics {
  private readonly exporter = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  private readonly provider: MeterProvider;
  private readonly reconciles: Counter;
  private readonly reconcileSeconds: Histogram;
  private readonly requests: Counter;
  private readonly watchRestarts: Counter;
  private readonly eventsSuppressed: Counter;
  /** API requests by verb since start (tests and the benchmark read these). */
  readonly requestCounts = new Map<Verb, number>();

  constructor(gauges: { queueDepth: () => number; leader: () => boolean; queueRefused: () => number }) {
    this.provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'hydra-operator', 'service.version': OPERATOR_VERSION }),
      readers: [this.exporter],
    });
    const meter = this.provider.getMeter('hydra-operator');
    this.reconciles = meter.createCounter('hydra_operator_reconcile', { description: 'reconciles by result' });
    this.reconcileSeconds = meter.createHistogram('hydra_operator_reconcile_duration_seconds', {
      unit: 's',
      description: 'time of one reconcile',
      advice: { explicitBucketBoundaries: RECONCILE_BUCKETS },
    });
    this.requests = meter.createCounter('hydra_operator_api_requests', {
      description: 'API server requests by verb, resource and HTTP status',
    });
    this.watchRestarts = meter.createCounter('hydra_operator_watch_restarts', {
      description: 'watches re-opened, by resource and reason',
    });
    this.eventsSuppressed = meter.createCounter('hydra_operator_events_suppressed', {
      description: 'Events not sent because an identical one was sent recently',
    });
    meter
      .createObservableGauge('hydra_operator_queue_depth', { description: 'keys waiting in the work queue' })
      .addCallback((r) => r.observe(gauges.queueDepth()));
    meter
      .createObservableCounter('hydra_operator_queue_refused', { description: 'keys refused by a full work queue' })
      .addCallback((r) => r.observe(gauges.queueRefused()));
    meter
      .createObservableGauge('hydra_operator_leader', { description: '1 while this instance holds the Lease' })
      .addCallback((r) => r.observe(gauges.leader() ? 1 : 0));
  }

  reconciled(result: ReconcileResult, seconds: number): void {
    this.reconciles.add(1, { result });
    this.reconcileSeconds.record(seconds, { result });
  }

  request(verb: Verb, resource: string, status: number): void {
    this.requests.add(1, { verb, resource, code: String(status) });
    this.requestCounts.set(verb, (this.requestCounts.get(verb) ?? 0) + 1);
  }

  watchRestarted(resource: string, reason: string): void {
    this.watchRestarts.add(1, { resource, reason });
  }

  eventSuppressed(): void {
    this.eventsSuppressed.add(1);
  }

  /** Requests that change state (create, update, patch, delete) since start. */
  writes(): number {
    let n = 0;
    for (const [verb, count] of this.requestCounts) if (MUTATING_VERBS.has(verb)) n += count;
    return n;
  }

  /** Every request since start. */
  totalRequests(): number {
    let n = 0;
    for (const count of this.requestCounts.values()) n += count;
    return n;
  }

  /** Serves the Prometheus text format. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    this.exporter.getMetricsRequestHandler(req, res);
  }

  shutdown(): Promise<void> {
    return this.provider.shutdown();
  }
}

/**
 * The collector's own metrics, recorded through the global `hydra` meter (a
 * no-op until the process installs a MeterProvider). Instruments are created
 * when a component is built, not at import, so a provider installed at
 * start-up is picked up.
 */
import { metrics, type Counter, type Histogram } from '@opentelemetry/api';
import { DURATION_BUCKETS_SECONDS } from '@hydra/logging';
import type { RejectReason } from './types.ts';

export const METER_NAME = 'hydra';

export interface CollectorTelemetry {
  pointsReceived: Counter;
  pointsRejected: Counter;
  pointsSkipped: Counter;
  pointsWritten: Counter;
  requests: Counter;
  requestDuration: Histogram;
}

export function createTelemetry(): CollectorTelemetry {
  const meter = metrics.getMeter(METER_NAME);
  return {
    pointsReceived: meter.createCounter('hydra.collector.points.received', {
      description: 'Data points decoded from requests, before limits',
      unit: '{point}',
    }),
    pointsRejected: meter.createCounter('hydra.collector.points.rejected', {
      description: 'Data points refused, by reason',
      unit: '{point}',
    }),
    pointsSkipped: meter.createCounter('hydra.collector.points.skipped', {
      description: 'Data points flagged NO_RECORDED_VALUE, skipped on purpose',
      unit: '{point}',
    }),
    pointsWritten: meter.createCounter('hydra.collector.points.written', {
      description: 'Data points committed to storage',
      unit: '{point}',
    }),
    requests: meter.createCounter('hydra.collector.requests', {
      description: 'Export requests answered, by transport and status',
      unit: '{request}',
    }),
    requestDuration: meter.createHistogram('hydra.collector.request.duration.seconds', {
      description: 'Time from receiving an export request to answering it',
      unit: 's',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_SECONDS] },
    }),
  };
}

/** Record a request's rejections per reason. */
export function recordRejections(t: CollectorTelemetry, byReason: ReadonlyMap<RejectReason, number>): void {
  for (const [reason, n] of byReason) t.pointsRejected.add(n, { reason });
}

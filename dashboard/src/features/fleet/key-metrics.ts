/**
 * The metrics of a host shown at a glance, by OpenTelemetry semantic
 * convention names: what an SRE checks first. Metrics a fleet does not send
 * show as "no data" rather than disappearing.
 */
import type { Aggregation } from '../../queries/metrics.ts';

export interface KeyMetric {
  name: string;
  title: string;
  unit: string;
  aggregation: Aggregation;
  /** fixed sparkline scale, so hosts compare at a glance */
  domain?: [number, number];
}

export const KEY_METRICS: readonly KeyMetric[] = [
  { name: 'system.cpu.utilization', title: 'CPU', unit: '1', aggregation: 'avg', domain: [0, 1] },
  { name: 'system.memory.usage', title: 'Memory', unit: 'By', aggregation: 'avg' },
  { name: 'system.filesystem.utilization', title: 'Disk', unit: '1', aggregation: 'max', domain: [0, 1] },
  { name: 'http.server.errors', title: 'Errors', unit: '{error}', aggregation: 'rate' },
];

/** Points a sparkline asks for over the view's range. */
export const SPARKLINE_POINTS = 60;
/** The window of raw points read for each host's "last point" (its newest point's own time). */
export const LAST_POINT_WINDOW = { from: 'now-1m', to: 'now' } as const;
/** A host whose newest point is older than this is shown as stale. */
export const STALE_AFTER_MS = 3 * 60_000;

/**
 * The queries of the fleet view, shared by the view and the route's loader:
 * the loader starts them while the view's chunk is still downloading, so the
 * first chart does not wait for two round trips in a row.
 */
import type { QueryClient } from '@tanstack/react-query';
import { resolveRange, stepFor, type TimeRange } from '../../lib/time-range.ts';
import { alertListQueryOptions } from '../../queries/alerts.ts';
import { hostsQueryOptions, rangeQueryOptions } from '../../queries/metrics.ts';
import { KEY_METRICS, LAST_POINT_WINDOW, SPARKLINE_POINTS } from './key-metrics.ts';

/** Most open alerts read for the fleet view. */
export const FLEET_ALERT_LIMIT = 500;

export function fleetQueries(range: TimeRange) {
  const { fromMs, toMs } = resolveRange(range);
  const step = stepFor(toMs - fromMs, SPARKLINE_POINTS);
  return {
    step,
    hosts: hostsQueryOptions(),
    metrics: KEY_METRICS.map((m) => rangeQueryOptions({ name: m.name, range, step, aggregation: m.aggregation })),
    /** the newest raw points of each key metric: a host's "last point" is its newest point's own time */
    recent: KEY_METRICS.map((m) => rangeQueryOptions({ name: m.name, range: LAST_POINT_WINDOW, raw: true })),
    alerts: alertListQueryOptions({ state: 'active', limit: FLEET_ALERT_LIMIT }),
  };
}

/** Starts the fleet's queries (never rejects: a failure is the query's error state, shown by its panel). */
export function prefetchFleet(client: QueryClient, range: TimeRange): Promise<void[]> {
  const q = fleetQueries(range);
  return Promise.all([q.hosts, ...q.metrics, ...q.recent, q.alerts].map((o) => client.prefetchQuery(o as never)));
}

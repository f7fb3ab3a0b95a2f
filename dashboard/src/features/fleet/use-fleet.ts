/**
 * The fleet's data: one range query per key metric for all hosts (not one
 * per host and metric), and the open alerts, grouped by host.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import type { RangeSeriesBody } from '@hydra/contract';
import type { Alert } from '../../api/analysis-types.ts';
import type { TimeRange } from '../../lib/time-range.ts';
import { useNow } from '../../hooks/use-now.ts';
import { HOST_LABEL } from '@hydra/contract';
import { fleetQueries } from './fleet-queries.ts';
import { KEY_METRICS } from './key-metrics.ts';

export type Health = 'critical' | 'warning' | 'ok' | 'stale' | 'unknown';

export interface HostRow {
  host: string;
  /** per key metric name: the host's series (first one when several, e.g. per mountpoint) */
  series: Map<string, RangeSeriesBody>;
  alerts: Alert[];
  /** epoch ms of the host's newest point (its own time when within the last minute, else the end of its newest bucket) */
  lastSeen: number | null;
}

export function useFleet(range: TimeRange) {
  const q = fleetQueries(range);
  const step = q.step;
  const hosts = useQuery(q.hosts);
  const metrics = useQueries({ queries: q.metrics });
  const recent = useQueries({ queries: q.recent });
  const now = useNow();
  const alerts = useQuery(q.alerts);

  const rows: HostRow[] = (hosts.data ?? []).map((host) => {
    const series = new Map<string, RangeSeriesBody>();
    let lastSeen: number | null = null;
    const seen = (t: unknown) => {
      if (typeof t === 'number' && (lastSeen === null || t > lastSeen)) lastSeen = t;
    };
    KEY_METRICS.forEach((m, i) => {
      for (const r of recent[i]?.data?.series ?? []) {
        if (r.labels[HOST_LABEL] === host) seen(r.points.findLast((p) => p[1] !== null)?.[0]);
      }
      const s = metrics[i]?.data?.series.find((x) => x.labels[HOST_LABEL] === host);
      if (!s) return;
      series.set(m.name, s);
    });
    if (lastSeen === null) {
      // nothing within the last minute: the newest point lies in the newest bucket, which ends a step after it starts
      KEY_METRICS.forEach((m) => {
        const last = series.get(m.name)?.points.findLast((p) => p[1] !== null)?.[0];
        if (typeof last === 'number') seen(Math.min(now, last + q.step * 1000));
      });
    }
    const hostAlerts = (alerts.data?.alerts ?? []).filter((a) => a.labels[HOST_LABEL] === host);
    return { host, series, alerts: hostAlerts, lastSeen };
  });
  return { hosts, metrics, recent, alerts, rows, step };
}

/** Health of a host: its worst firing alert, else stale when it stopped reporting, else ok. */
export function hostHealth(row: HostRow, now: number, staleAfterMs: number): Health {
  const firing = row.alerts.filter((a) => a.state === 'firing');
  if (firing.some((a) => a.severity === 'critical')) return 'critical';
  if (firing.some((a) => a.severity === 'warning')) return 'warning';
  if (row.lastSeen === null) return 'unknown';
  if (now - row.lastSeen > staleAfterMs) return 'stale';
  return 'ok';
}

/**
 * One metric of a host: its series over the range, with the detector's band
 * and anomaly markers, the forecast past "now", threshold lines, and the
 * spans of the host's alerts on this metric.
 */
import { useQuery } from '@tanstack/react-query';
import type { AlertBody, AnomalySeriesBody, PredictionBody } from '../../api/analysis-types.ts';
import type { AnomalyMarker, BandPoint, ForecastPoint } from '../../components/chart/chart-data.ts';
import { TimeSeriesChart, type AlertSpan, type Threshold } from '../../components/chart/time-series-chart.tsx';
import { QueryPanel } from '../../components/panel-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { useNow } from '../../hooks/use-now.ts';
import { absoluteRange, type TimeRange } from '../../lib/time-range.ts';
import { rangeQueryOptions, type Aggregation } from '../../queries/metrics.ts';

/** Anomaly score above which a point is marked (the detectors' ANOMALY_THRESHOLD). */
export const ANOMALY_MARK_SCORE = 0.5;

export interface MetricOfHost {
  name: string;
  unit: string;
  kind: string;
  monotonic: boolean;
  seriesIds: number[];
}

function labelOf(labels: Record<string, string>, metric: string): string {
  const extra = Object.entries(labels).filter(
    ([k]) => !['host.name', 'service.name', 'otel.scope.name', 'otel.scope.version', '__name__'].includes(k),
  );
  return extra.length ? extra.map(([k, v]) => `${k}=${v}`).join(', ') : metric;
}

export function MetricChartCard({
  host,
  metric,
  range,
  onRange,
  anomalies,
  predictions,
  alerts,
}: {
  host: string;
  metric: MetricOfHost;
  range: TimeRange;
  onRange: (r: TimeRange) => void;
  anomalies: AnomalySeriesBody[];
  predictions: PredictionBody[];
  alerts: AlertBody[];
}) {
  const now = useNow();
  const aggregation: Aggregation = metric.kind === 'sum' && metric.monotonic ? 'rate' : 'avg';
  const query = useQuery(rangeQueryOptions({ name: metric.name, host, range, aggregation }));
  const mine = new Set(metric.seriesIds);
  const scored = anomalies.filter((a) => mine.has(a.seriesId));
  const band: BandPoint[] =
    scored.length === 1
      ? scored[0]!.points.map((p) => ({ t: p.time, lower: p.lower, upper: p.upper, expected: p.expected }))
      : [];
  const markers: AnomalyMarker[] = scored.flatMap((a) =>
    a.points
      .filter((p) => p.score >= ANOMALY_MARK_SCORE && p.value !== null)
      .map((p) => ({ t: p.time, value: p.value as number, score: p.score })),
  );
  const forecast = predictions.find((p) => mine.has(p.seriesId));
  const forecastPoints: ForecastPoint[] = forecast?.points.map((p) => ({ t: p.time, ...p })) ?? [];
  const thresholds: Threshold[] = (forecast?.thresholds ?? []).map((t) => ({
    value: t.value,
    label: `${t.direction} ${t.value}`,
  }));
  const spans: AlertSpan[] = alerts
    .filter((a) => a.seriesId !== null && mine.has(a.seriesId))
    .map((a) => ({ from: a.startedAt, to: a.resolvedAt ?? now, severity: a.severity }));
  const unitLabel = aggregation === 'rate' ? `${metric.unit}/s` : metric.unit;
  return (
    <Card>
      <CardHeader>
        <div className="min-w-0">
          <CardTitle className="truncate font-mono text-xs">{metric.name}</CardTitle>
          <CardDescription>
            {aggregation === 'rate' ? 'per-second rate' : 'average'} · {unitLabel || 'no unit'}
            {query.data?.stepSeconds ? ` · step ${query.data.stepSeconds}s` : ''}
            {forecast ? ` · forecast ${forecast.model}` : ''}
            {markers.length ? ` · ${markers.length} anomalous points` : ''}
          </CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        <QueryPanel
          query={query}
          isEmpty={(d) => d.series.length === 0}
          empty="no points in this range"
          className="h-48"
        >
          {(d) => (
            <TimeSeriesChart
              ariaLabel={`${metric.name} of ${host}`}
              series={d.series.map((s) => ({
                key: `s${s.id}`,
                label: labelOf(s.labels, metric.name),
                points: s.points,
              }))}
              unit={aggregation === 'rate' ? '' : metric.unit}
              domain={[d.fromMs, d.toMs]}
              {...(band.length ? { band } : {})}
              {...(markers.length ? { anomalies: markers } : {})}
              {...(forecastPoints.length ? { forecast: forecastPoints, now: d.toMs } : {})}
              thresholds={thresholds}
              alertSpans={spans}
              onZoom={(from, to) => onRange(absoluteRange(from, to))}
              height={190}
            />
          )}
        </QueryPanel>
      </CardContent>
    </Card>
  );
}

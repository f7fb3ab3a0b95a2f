/**
 * One metric of a host: its series over the range, with the anomaly job's
 * expected band and anomaly markers, the forecast and its band past "now",
 * threshold lines with time-to-threshold, and the spans of the host's alerts.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import type { Alert } from '../../api/analysis-types.ts';
import type { BandPoint, ForecastPoint } from '../../components/chart/chart-data.ts';
import { TimeSeriesChart, type AlertSpan, type Threshold } from '../../components/chart/time-series-chart.tsx';
import { QueryPanel } from '../../components/panel-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { useNow } from '../../hooks/use-now.ts';
import { anomalyEpisodes, scoredTimeline, type AnomalyEpisode } from '../../lib/anomaly-episodes.ts';
import { formatValue } from '../../lib/format.ts';
import { absoluteRange, isLive, resolveRange, type TimeRange } from '../../lib/time-range.ts';
import { anomaliesQueryOptions, predictionsQueryOptions } from '../../queries/analysis.ts';
import { rangeQueryOptions, type Aggregation } from '../../queries/metrics.ts';
import { HOST_LABEL } from '@hydra/contract';

/** Threshold asked of forecasts of utilisation ratios (unit `1`): "when does this reach 90 %". */
export const UTILIZATION_THRESHOLD = 0.9;
/** Series of one metric whose scores are fetched (a host usually has one per metric). */
export const MAX_SCORED_SERIES = 4;

export interface MetricOfHost {
  name: string;
  unit: string;
  kind: string;
  monotonic: boolean;
  seriesIds: number[];
}

function labelOf(labels: Record<string, string>, metric: string): string {
  const extra = Object.entries(labels).filter(
    ([k]) => ![HOST_LABEL, 'service.name', 'otel.scope.name', 'otel.scope.version', '__name__'].includes(k),
  );
  return extra.length ? extra.map(([k, v]) => `${k}=${v}`).join(', ') : metric;
}

/** Forecast horizon for a range: a quarter of it, between 1 h and 2 d. */
export function horizonFor(range: TimeRange): string {
  const { fromMs, toMs } = resolveRange(range);
  const hours = Math.min(48, Math.max(1, Math.round((toMs - fromMs) / 3_600_000 / 4)));
  return `${hours}h`;
}

export function MetricChartCard({
  host,
  metric,
  range,
  onRange,
  alerts,
}: {
  host: string;
  metric: MetricOfHost;
  range: TimeRange;
  onRange: (r: TimeRange) => void;
  alerts: Alert[];
}) {
  const now = useNow();
  const aggregation: Aggregation = metric.kind === 'sum' && metric.monotonic ? 'rate' : 'avg';
  const query = useQuery(rangeQueryOptions({ name: metric.name, host, range, aggregation }));
  // Scores and forecasts wait for the chart's own points: a forecast computed on request is CPU work on
  // the API, and asked at once by every chart it queued the range queries behind it (skeletons for 15–25 s).
  const drawn = query.data !== undefined;
  const scores = useQueries({
    queries: metric.seriesIds
      .slice(0, MAX_SCORED_SERIES)
      .map((id) => ({ ...anomaliesQueryOptions(id, range), enabled: drawn })),
  });
  const ratio = metric.unit === '1';
  const prediction = useQuery({
    ...predictionsQueryOptions({
      name: metric.name,
      host,
      horizon: horizonFor(range),
      ...(ratio ? { thresholds: [{ value: UTILIZATION_THRESHOLD, direction: 'above' as const }] } : {}),
    }),
    // A forecast continues "now": it is drawn only on live ranges, and for gauges (rates of counters are not forecast here).
    enabled: drawn && isLive(range) && aggregation === 'avg',
  });

  const scored = scores.flatMap((q) => (q.data ? [q.data] : []));
  const band: BandPoint[] =
    scored.length === 1
      ? scoredTimeline(scored[0]!.points).flatMap((p) =>
          p.lower !== null && p.upper !== null
            ? [{ t: p.t, lower: p.lower, upper: p.upper, expected: p.expected }]
            : [],
        )
      : [];
  const episodes: AnomalyEpisode[] = scored.flatMap((a) => anomalyEpisodes(a.points));
  const forecast = prediction.data?.predictions[0];
  const forecastPoints: ForecastPoint[] =
    forecast?.points.flatMap((p) =>
      p.mean !== null && p.lower !== null && p.upper !== null
        ? [{ t: p.time, mean: p.mean, lower: p.lower, upper: p.upper }]
        : [],
    ) ?? [];
  // one line per threshold value (a stored forecast's thresholds and the asked one may repeat it)
  const thresholdAnswers = [...new Map((forecast?.thresholds ?? []).map((t) => [t.threshold, t])).values()];
  const thresholds: Threshold[] = thresholdAnswers.map((t) => ({
    value: t.threshold,
    label: formatValue(t.threshold, metric.unit),
    detail: t.message,
  }));
  const mine = new Set(metric.seriesIds);
  const spans: AlertSpan[] = alerts
    .filter((a) => a.seriesId !== null && mine.has(a.seriesId))
    .map((a) => ({ from: a.startedAt, to: a.resolvedAt ?? now, severity: a.severity }));
  const unitLabel = aggregation === 'rate' ? `${metric.unit}/s` : metric.unit;
  const scoreState = scores.some((q) => q.isError)
    ? 'scores unavailable'
    : scored.length === 0
      ? ''
      : scored.every((s) => s.points.length === 0)
        ? 'not scored yet'
        : '';
  return (
    <Card>
      <CardHeader>
        <div className="min-w-0">
          <CardTitle className="truncate font-mono text-xs">{metric.name}</CardTitle>
          <CardDescription>
            {aggregation === 'rate' ? 'per-second rate' : 'average'} · {unitLabel || 'no unit'}
            {query.data?.stepSeconds ? ` · step ${query.data.stepSeconds}s` : ''}
            {forecast ? ` · forecast ${forecast.model}` : ''}
            {episodes.length
              ? ` · ${episodes.length} anomaly episode${episodes.length === 1 ? '' : 's'}`
              : scored.some((s) => s.points.length > 0)
                ? ' · no anomaly'
                : ''}
            {scoreState ? ` · ${scoreState}` : ''}
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
              {...(episodes.length ? { episodes } : {})}
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

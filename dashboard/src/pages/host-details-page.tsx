/** `/details/:host`: every metric of a host over the chosen range, with bands, anomalies, forecasts and alerts. */
import { useQuery } from '@tanstack/react-query';
import { ArrowLeft } from 'lucide-react';
import { Link, useLocation, useParams } from 'react-router';
import { PanelEmpty, PanelError, PanelLoading } from '../components/panel-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { AlertTimeline } from '../features/details/alert-timeline.tsx';
import { MetricChartCard, type MetricOfHost } from '../features/details/metric-chart-card.tsx';
import { useTimeRange } from '../hooks/use-url-state.ts';
import { describeRange, resolveRange } from '../lib/time-range.ts';
import { alertListQueryOptions } from '../queries/alerts.ts';
import { seriesListQueryOptions } from '../queries/series.ts';

/** Histogram series are drawn through their `_count` and `_sum` series. */
const CHARTED_KINDS = new Set(['gauge', 'sum']);

export function HostDetailsPage() {
  const { host = '' } = useParams();
  const { search } = useLocation();
  const [range, setRange] = useTimeRange();
  const { fromMs, toMs } = resolveRange(range);
  const series = useQuery(seriesListQueryOptions({ host }));
  const alerts = useQuery(alertListQueryOptions({ state: 'all', host, from: range.from, to: range.to, limit: 200 }));

  const metrics = new Map<string, MetricOfHost>();
  for (const s of series.data ?? []) {
    if (!CHARTED_KINDS.has(s.kind)) continue;
    const m = metrics.get(s.metric) ?? {
      name: s.metric,
      unit: s.unit,
      kind: s.kind,
      monotonic: s.monotonic,
      seriesIds: [],
    };
    m.seriesIds.push(s.id);
    metrics.set(s.metric, m);
  }
  const sorted = [...metrics.values()].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-baseline gap-2">
        <Link
          to={`/dashboard${search}`}
          aria-label="back to the fleet"
          className="self-center text-muted-foreground hover:text-foreground"
        >
          <ArrowLeft className="size-4" aria-hidden />
        </Link>
        <h1 className="text-base font-semibold">{host}</h1>
        <span className="text-sm text-muted-foreground">· {describeRange(range)} · drag across a chart to zoom</span>
      </div>
      <Card>
        <CardHeader>
          <div>
            <CardTitle>Alerts</CardTitle>
            <CardDescription>episodes on this host in the range</CardDescription>
          </div>
        </CardHeader>
        <CardContent>
          {alerts.isPending ? (
            <PanelLoading className="h-10" />
          ) : alerts.isError && !alerts.data ? (
            <PanelError error={alerts.error} />
          ) : (
            <AlertTimeline alerts={alerts.data?.alerts ?? []} fromMs={fromMs} toMs={toMs} />
          )}
        </CardContent>
      </Card>
      {series.isPending ? (
        <PanelLoading className="h-64" />
      ) : series.isError && !series.data ? (
        <PanelError error={series.error} />
      ) : sorted.length === 0 ? (
        <PanelEmpty>no series has host.name="{host}"</PanelEmpty>
      ) : (
        <div className="grid grid-cols-1 gap-3 lg:grid-cols-2 min-[1800px]:grid-cols-3">
          {sorted.map((m) => (
            <MetricChartCard
              key={m.name}
              host={host}
              metric={m}
              range={range}
              onRange={setRange}
              alerts={alerts.data?.alerts ?? []}
            />
          ))}
        </div>
      )}
    </div>
  );
}

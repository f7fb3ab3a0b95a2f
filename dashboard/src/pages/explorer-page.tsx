/** `/explore`: pick a metric, filter by labels, choose aggregation and step; everything in the URL. */
import { useQuery } from '@tanstack/react-query';
import { TimeSeriesChart } from '../components/chart/time-series-chart.tsx';
import { PanelEmpty, QueryPanel } from '../components/panel-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Label } from '../components/ui/input.tsx';
import { NativeSelect } from '../components/ui/native-select.tsx';
import { LabelMatchers } from '../features/explorer/label-matchers.tsx';
import { useTimeRange, useUrlList, useUrlParam } from '../hooks/use-url-state.ts';
import { absoluteRange, describeRange } from '../lib/time-range.ts';
import { AGGREGATIONS, metricNamesQueryOptions, rangeQueryOptions, type Aggregation } from '../queries/metrics.ts';

/** Steps offered besides "auto" (seconds). */
const STEPS = [15, 60, 300, 900, 3600];
/** Series drawn in the explorer before asking the user to narrow the selector. */
const EXPLORER_SERIES_LIMIT = 50;

/**
 * Legend labels of the series: the labels whose values differ between them (what tells the lines apart),
 * every label when there is one series.
 */
export function seriesLabels(series: readonly { labels: Record<string, string> }[]): string[] {
  const shown = (k: string) => !k.startsWith('otel.scope');
  const keys = [...new Set(series.flatMap((s) => Object.keys(s.labels)))].filter(shown);
  const varying = keys.filter((k) => new Set(series.map((s) => s.labels[k])).size > 1);
  const use = series.length > 1 && varying.length > 0 ? varying : keys;
  return series.map((s) =>
    use
      .filter((k) => s.labels[k] !== undefined)
      .map((k) => `${k}=${s.labels[k]}`)
      .join(', '),
  );
}

export function ExplorerPage() {
  const [range, setRange] = useTimeRange();
  const [metric, setMetric] = useUrlParam('metric');
  const [aggParam, setAgg] = useUrlParam('aggregation');
  const [stepParam, setStep] = useUrlParam('step');
  const [matchers, setMatchers] = useUrlList('match');
  const names = useQuery(metricNamesQueryOptions());
  const info = names.data?.find((m) => m.name === metric);
  const counter = info?.kind === 'sum' && info.monotonic;
  const aggregation = (aggParam ?? (counter ? 'rate' : 'avg')) as Aggregation;
  const step = stepParam ? Number(stepParam) : undefined;
  const query = useQuery({
    ...rangeQueryOptions({
      name: metric ?? '',
      match: matchers,
      range,
      aggregation,
      limit: EXPLORER_SERIES_LIMIT,
      ...(step ? { step } : {}),
    }),
    enabled: Boolean(metric),
  });
  return (
    <div className="space-y-3">
      <h1 className="text-base font-semibold">
        Explore <span className="font-normal text-muted-foreground">· {describeRange(range)}</span>
      </h1>
      <Card>
        <CardContent className="space-y-3 pt-3">
          <div className="flex flex-wrap items-end gap-2">
            <div className="flex flex-col gap-1">
              <Label htmlFor="x-metric">metric</Label>
              <NativeSelect
                id="x-metric"
                className="w-80"
                value={metric ?? ''}
                onChange={(e) => {
                  setMatchers([]);
                  setMetric(e.target.value);
                }}
              >
                <option value="">{names.isPending ? 'loading metrics…' : 'choose a metric…'}</option>
                {(names.data ?? []).map((m) => (
                  <option key={m.name} value={m.name}>
                    {m.name} ({m.kind}, {m.series} series)
                  </option>
                ))}
              </NativeSelect>
            </div>
            <div className="flex flex-col gap-1">
              <Label htmlFor="x-agg">aggregation</Label>
              <NativeSelect id="x-agg" value={aggregation} onChange={(e) => setAgg(e.target.value)}>
                {AGGREGATIONS.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </NativeSelect>
            </div>
            <div className="flex flex-col gap-1">
              <Label htmlFor="x-step">step</Label>
              <NativeSelect id="x-step" value={stepParam ?? ''} onChange={(e) => setStep(e.target.value)}>
                <option value="">auto</option>
                {STEPS.map((s) => (
                  <option key={s} value={s}>
                    {s < 60 ? `${s}s` : s < 3600 ? `${s / 60}m` : `${s / 3600}h`}
                  </option>
                ))}
              </NativeSelect>
            </div>
          </div>
          {metric && <LabelMatchers metric={metric} matchers={matchers} onChange={setMatchers} />}
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <div>
            <CardTitle className="font-mono text-xs">{metric ?? 'no metric chosen'}</CardTitle>
            <CardDescription>
              {info
                ? `${info.kind}, unit ${info.unit || 'none'} — ${info.description || 'no description'}`
                : 'choose a metric above'}
              {query.data
                ? ` · ${query.data.series.length} series · step ${query.data.stepSeconds ?? 'raw'}s · from ${query.data.source}`
                : ''}
            </CardDescription>
          </div>
        </CardHeader>
        <CardContent>
          {!metric ? (
            <PanelEmpty className="h-64">choose a metric to chart it</PanelEmpty>
          ) : (
            <QueryPanel
              query={query}
              isEmpty={(d) => d.series.length === 0}
              empty="no series match in this range"
              className="h-72"
            >
              {(d) => (
                <TimeSeriesChart
                  ariaLabel={`${metric} explorer chart`}
                  series={(() => {
                    const labels = seriesLabels(d.series);
                    return d.series.map((s, i) => ({ key: `s${s.id}`, label: labels[i]!, points: s.points }));
                  })()}
                  unit={aggregation === 'rate' || aggregation === 'count' ? '' : (info?.unit ?? '')}
                  domain={[d.fromMs, d.toMs]}
                  onZoom={(from, to) => setRange(absoluteRange(from, to))}
                  height={320}
                />
              )}
            </QueryPanel>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

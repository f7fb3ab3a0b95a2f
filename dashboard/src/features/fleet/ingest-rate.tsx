/**
 * Stored points per second across every series: the `count` of points per
 * step bucket, summed over series and divided by the step. It counts what
 * reached the database, so a stalled writer shows here as a drop.
 */
import { useQuery } from '@tanstack/react-query';
import { Sparkline } from '../../components/chart/sparkline.tsx';
import { QueryPanel } from '../../components/panel-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { formatValue } from '../../lib/format.ts';
import { resolveRange, stepFor, type TimeRange } from '../../lib/time-range.ts';
import { rangeQueryOptions, type RangeData } from '../../queries/metrics.ts';

/** Buckets of the ingest chart over the range. */
export const INGEST_POINTS = 120;

/** Points per second of all series summed per bucket; the newest bucket is left out (still filling). */
export function ingestRate(data: RangeData): [number, number][] {
  const step = data.stepSeconds ?? 60;
  const sums = new Map<number, number>();
  for (const s of data.series) {
    for (const [t, v] of s.points)
      if (typeof t === 'number' && typeof v === 'number') sums.set(t, (sums.get(t) ?? 0) + v);
  }
  const rows = [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, n]): [number, number] => [t, n / step]);
  return rows.slice(0, -1);
}

export function IngestRate({ range }: { range: TimeRange }) {
  const { fromMs, toMs } = resolveRange(range);
  const query = useQuery(
    rangeQueryOptions({ range, step: stepFor(toMs - fromMs, INGEST_POINTS), aggregation: 'count' }),
  );
  const latest = query.data ? ingestRate(query.data).at(-1)?.[1] : undefined;
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>Ingest rate</CardTitle>
          <CardDescription>samples stored per second, all number series (histogram points not counted)</CardDescription>
        </div>
        <span className="font-mono text-lg font-semibold tabular-nums">{formatValue(latest, '')}/s</span>
      </CardHeader>
      <CardContent>
        <QueryPanel
          query={query}
          isEmpty={(d) => d.series.length === 0}
          empty="nothing stored in this range"
          className="h-28"
        >
          {(d) => {
            const rate = ingestRate(d);
            const peak = Math.max(0, ...rate.map((p) => p[1]));
            return (
              <div className="space-y-1">
                <Sparkline points={rate} label="points stored per second" height={88} fill />
                <p className="flex justify-between text-xs text-muted-foreground">
                  <span>step {d.stepSeconds ?? '—'}s</span>
                  <span>peak {formatValue(peak, '')}/s</span>
                </p>
              </div>
            );
          }}
        </QueryPanel>
      </CardContent>
    </Card>
  );
}

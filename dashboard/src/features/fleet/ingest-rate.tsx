/**
 * Stored points per second across every series: the `count` of points per
 * step bucket, summed over series and divided by the step. It counts what
 * reached the database, so a stalled writer shows here as a drop. Points count
 * at their own timestamps: history imported or seeded at a coarser resolution
 * reads lower than live data. The headline is the last minute (complete 15-s buckets), read
 * on its own (whatever the range), so it compares with the writer's counter
 * (`rate(hydra_storage_writer_rows_total{table="samples"}[1m])`).
 */
import { useQuery } from '@tanstack/react-query';
import { Sparkline } from '../../components/chart/sparkline.tsx';
import { QueryPanel } from '../../components/panel-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { formatTick, formatValue } from '../../lib/format.ts';
import { resolveRange, stepFor, type TimeRange } from '../../lib/time-range.ts';
import { rangeQueryOptions, type RangeData } from '../../queries/metrics.ts';

/** Buckets of the ingest chart over the range. */
export const INGEST_POINTS = 120;
/**
 * The headline: the complete 15-s buckets of the last minute and a half, averaged (raw samples: finer than
 * the smallest rollup). It follows the writer within 15 s. (A low headline right after `hydra up` was the
 * seeded history's one point a minute in the last complete minute, before the live workload's one every 5 s;
 * the seed now catches up at the live resolution. The 1-minute rollup never holds a minute still filling:
 * storage/test/maintenance.test.ts.)
 */
export const HEADLINE_STEP_SECONDS = 15;
const HEADLINE_RANGE: TimeRange = { from: 'now-90s', to: 'now' };
/** Buckets averaged into the headline (the last minute). */
const HEADLINE_BUCKETS = 4;

/** Points per second of all series summed per bucket (the query leaves out the bucket still filling). */
export function ingestRate(data: RangeData): [number, number][] {
  const step = data.stepSeconds ?? 60;
  const sums = new Map<number, number>();
  for (const s of data.series) {
    for (const [t, v] of s.points)
      if (typeof t === 'number' && typeof v === 'number') sums.set(t, (sums.get(t) ?? 0) + v);
  }
  return [...sums.entries()].sort((a, b) => a[0] - b[0]).map(([t, n]): [number, number] => [t, n / step]);
}

export function IngestRate({ range }: { range: TimeRange }) {
  const { fromMs, toMs } = resolveRange(range);
  const query = useQuery(
    rangeQueryOptions({ range, step: stepFor(toMs - fromMs, INGEST_POINTS), aggregation: 'count' }),
  );
  const headline = useQuery(
    rangeQueryOptions({ range: HEADLINE_RANGE, step: HEADLINE_STEP_SECONDS, aggregation: 'count' }),
  );
  const recent = headline.data ? ingestRate(headline.data).slice(-HEADLINE_BUCKETS) : undefined;
  const latest = recent ? recent.reduce((sum, p) => sum + p[1], 0) / Math.max(1, recent.length) : undefined;
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>Ingest rate</CardTitle>
          <CardDescription>
            samples stored per second by sample time, all number series (histogram points not counted); headline: the
            last complete minute
          </CardDescription>
        </div>
        <span
          className="shrink-0 font-mono text-lg font-semibold tabular-nums"
          aria-label="samples per second, last minute"
        >
          {formatValue(latest, '')}/s
        </span>
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
                <div className="flex gap-1.5">
                  <div
                    aria-hidden
                    className="flex w-10 shrink-0 flex-col justify-between text-right font-mono text-[10px] text-muted-foreground tabular-nums"
                  >
                    <span>{formatValue(peak, '')}/s</span>
                    <span>0/s</span>
                  </div>
                  <div className="min-w-0 flex-1 border-b border-l">
                    <Sparkline
                      points={rate}
                      label="points stored per second"
                      height={88}
                      domain={[0, peak || 1]}
                      fill
                    />
                  </div>
                </div>
                <p className="flex justify-between pl-11.5 text-xs text-muted-foreground">
                  <span>{d.fromMs ? formatTick(d.fromMs, d.toMs - d.fromMs) : ''}</span>
                  <span>step {d.stepSeconds ?? '—'}s</span>
                  <span>{formatTick(d.toMs, d.toMs - d.fromMs)}</span>
                </p>
              </div>
            );
          }}
        </QueryPanel>
      </CardContent>
    </Card>
  );
}

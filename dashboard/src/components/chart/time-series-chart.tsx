/**
 * The time-series chart of every view: lines per series, the detector's
 * expected band, anomaly episodes (a shaded span each, its peak marked), the
 * forecast and its band past "now", threshold lines and alert spans, and a
 * legend; drag across it to zoom, hover for exact values. Colours come from
 * the theme's CSS variables.
 */
import { useMemo, useState, type CSSProperties, type PointerEvent } from 'react';
import {
  Area,
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { AnomalyEpisode } from '../../lib/anomaly-episodes.ts';
import { formatDateTime, formatTick, formatValue } from '../../lib/format.ts';
import {
  anchoredForecast,
  lastObserved,
  seriesColor,
  toRows,
  valueExtent,
  type BandPoint,
  type ChartRow,
  type ChartSeries,
  type ForecastPoint,
} from './chart-data.ts';

/** A drag narrower than this (ms of the x axis) is a click, not a zoom. */
export const MIN_ZOOM_MS = 60_000;
/** Series drawn at most; the rest are left out and counted in the legend. */
export const MAX_LINES = 12;

export interface Threshold {
  value: number;
  /** short, drawn on the line inside the plot (e.g. "90%") */
  label: string;
  /** longer explanation, in the legend under the chart */
  detail?: string;
}

export interface AlertSpan {
  from: number;
  to: number;
  severity: string;
}

export interface TimeSeriesChartProps {
  series: readonly ChartSeries[];
  unit: string;
  domain: [number, number];
  band?: readonly BandPoint[];
  /** anomaly episodes: a shaded span each, its peak marked */
  episodes?: readonly AnomalyEpisode[];
  forecast?: readonly ForecastPoint[];
  thresholds?: readonly Threshold[];
  alertSpans?: readonly AlertSpan[];
  /** where "now" is drawn when the forecast continues past it */
  now?: number;
  height?: number;
  /** called with the dragged interval; absent = no zoom */
  onZoom?: (fromMs: number, toMs: number) => void;
  /** accessible description of what the chart shows */
  ariaLabel: string;
}

function ChartTooltip({
  active,
  payload,
  label,
  unit,
  names,
}: {
  active?: boolean;
  payload?: readonly { dataKey?: unknown; value?: unknown; color?: string }[];
  label?: unknown;
  unit: string;
  names: Map<string, string>;
}) {
  if (!active || !payload?.length || typeof label !== 'number') return null;
  return (
    <div className="rounded-md border bg-popover px-2.5 py-1.5 text-xs text-popover-foreground shadow-md">
      <div className="mb-1 font-medium">{formatDateTime(label)}</div>
      {payload.map((p) => {
        const key = String(p.dataKey);
        const value = p.value;
        const text = Array.isArray(value)
          ? `${formatValue(value[0] as number, unit)} – ${formatValue(value[1] as number, unit)}`
          : formatValue(value as number | null, unit);
        return (
          <div key={key} className="flex items-center justify-between gap-3">
            <span className="flex items-center gap-1.5">
              <span aria-hidden className="inline-block size-2 rounded-full" style={{ background: p.color }} />
              {names.get(key) ?? key}
            </span>
            <span className="font-mono tabular-nums">{text}</span>
          </div>
        );
      })}
    </div>
  );
}

/**
 * What the colours and marks of a chart mean: each series (when there are several), then the layers
 * drawn (expected band, anomaly episodes, forecast, thresholds with their explanation). Absent when the
 * chart is one plain line.
 */
export function ChartLegend({
  series,
  band,
  episodes,
  forecast,
  thresholds,
}: {
  series: readonly ChartSeries[];
  band: boolean;
  episodes: number;
  forecast: boolean;
  thresholds: readonly Threshold[];
}) {
  const layers = band || episodes > 0 || forecast || thresholds.length > 0;
  if (series.length < 2 && !layers) return null;
  const swatch = (style: CSSProperties) => (
    <span aria-hidden className="inline-block h-2.5 w-3.5 shrink-0 rounded-sm" style={style} />
  );
  return (
    <ul aria-label="legend" className="mt-1 flex flex-wrap gap-x-3 gap-y-0.5 text-xs text-muted-foreground">
      {series.map((s, i) => (
        <li key={s.key} className="flex min-w-0 items-center gap-1">
          {swatch({ background: seriesColor(i), height: 3 })}
          <span className="truncate" title={s.label}>
            {s.label}
          </span>
        </li>
      ))}
      {band && <li className="flex items-center gap-1">{swatch({ background: 'var(--band)' })}expected band</li>}
      {episodes > 0 && (
        <li className="flex items-center gap-1">
          {swatch({ background: 'var(--anomaly)', opacity: 0.35 })}
          {episodes === 1 ? 'anomaly episode' : `${episodes} anomaly episodes`} (dot: peak)
        </li>
      )}
      {forecast && (
        <li className="flex items-center gap-1">
          {swatch({ background: 'var(--forecast-band)', borderTop: '2px dashed var(--forecast)' })}forecast and its
          interval
        </li>
      )}
      {thresholds.map((t) => (
        <li key={t.label} className="flex min-w-0 items-center gap-1">
          {swatch({ borderTop: '2px dashed var(--threshold)', height: 2 })}
          <span className="min-w-0">
            {t.label}
            {t.detail ? `: ${t.detail}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Width of the y axis and right margin: the plot area between them maps x pixels to time. */
const Y_AXIS_WIDTH = 64;
const RIGHT_MARGIN = 8;

/** Time-series chart with bands, anomalies, forecast, thresholds and drag-to-zoom. */
export function TimeSeriesChart(props: TimeSeriesChartProps) {
  const { unit, domain, thresholds = [], alertSpans = [], height = 220, onZoom } = props;
  const { episodes = [] } = props;
  const drawn = useMemo(() => props.series.slice(0, MAX_LINES), [props.series]);
  const forecast = useMemo(
    () => (props.forecast ? anchoredForecast(props.forecast, lastObserved(drawn)) : undefined),
    [props.forecast, drawn],
  );
  const rows: ChartRow[] = useMemo(
    () =>
      toRows({
        series: drawn,
        ...(props.band ? { band: props.band } : {}),
        ...(forecast ? { forecast } : {}),
      }),
    [drawn, props.band, forecast],
  );
  const names = useMemo(() => {
    const m = new Map<string, string>(drawn.map((s) => [s.key, s.label]));
    m.set('band', 'expected band').set('expected', 'expected');
    m.set('forecast', 'forecast').set('forecastBand', 'forecast interval');
    return m;
  }, [drawn]);
  const extent = valueExtent(rows, [
    ...thresholds.map((t) => t.value),
    ...episodes.flatMap((e) => (e.peak.value === null ? [] : [e.peak.value])),
  ]);
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const xMax = Math.max(domain[1], rows.at(-1)?.t ?? domain[1]);
  // Drag-to-zoom from the pointer's position over the plot area (not Recharts' nearest data point,
  // which snaps to sparse forecast rows and needs a hover first).
  const timeAt = (e: PointerEvent<HTMLElement>): number => {
    const box = e.currentTarget.getBoundingClientRect();
    const plot = Math.max(1, box.width - Y_AXIS_WIDTH - RIGHT_MARGIN);
    const f = Math.min(1, Math.max(0, (e.clientX - box.left - Y_AXIS_WIDTH) / plot));
    return domain[0] + f * (xMax - domain[0]);
  };
  const zoomHandlers = onZoom
    ? {
        onPointerDown: (e: PointerEvent<HTMLElement>) => {
          if (e.button !== 0) return;
          const t = timeAt(e);
          setDrag({ from: t, to: t });
        },
        onPointerMove: (e: PointerEvent<HTMLElement>) => {
          if (drag) setDrag({ ...drag, to: timeAt(e) });
        },
        onPointerUp: () => {
          if (drag && Math.abs(drag.to - drag.from) >= MIN_ZOOM_MS) {
            onZoom(Math.min(drag.from, drag.to), Math.max(drag.from, drag.to));
          }
          setDrag(null);
        },
        onPointerLeave: () => setDrag(null),
      }
    : {};

  return (
    <figure aria-label={props.ariaLabel} className="m-0 min-w-0 select-none" {...zoomHandlers}>
      <div style={{ height }}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 6, right: RIGHT_MARGIN, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              scale="time"
              domain={[domain[0], xMax]}
              allowDataOverflow
              tickFormatter={(t: number) => formatTick(t, xMax - domain[0])}
              tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }}
              stroke="var(--border)"
              minTickGap={40}
            />
            <YAxis
              width={Y_AXIS_WIDTH}
              domain={extent ? ['auto', 'auto'] : [0, 1]}
              tickFormatter={(v: number) => formatValue(v, unit)}
              tick={{ fontSize: 11, fill: 'var(--muted-foreground)' }}
              stroke="var(--border)"
              tickCount={4}
            />
            <Tooltip
              isAnimationActive={false}
              content={(p) => (
                <ChartTooltip
                  active={p.active}
                  payload={p.payload as never}
                  label={p.label}
                  unit={unit}
                  names={names}
                />
              )}
            />
            {alertSpans.map((s, i) => (
              <ReferenceArea
                key={`span-${i}`}
                x1={Math.max(s.from, domain[0])}
                x2={Math.min(s.to, xMax)}
                fill={`var(--sev-${s.severity})`}
                fillOpacity={0.08}
                ifOverflow="hidden"
              />
            ))}
            {episodes.map((e) => (
              <ReferenceArea
                key={`episode-${e.from}`}
                x1={Math.max(e.from, domain[0])}
                x2={Math.min(e.to, xMax)}
                fill="var(--anomaly)"
                fillOpacity={0.16}
                stroke="var(--anomaly)"
                strokeOpacity={0.35}
                ifOverflow="hidden"
                className="anomaly-episode"
              />
            ))}
            {props.band && (
              <Area
                dataKey="band"
                stroke="none"
                fill="var(--band)"
                isAnimationActive={false}
                connectNulls
                activeDot={false}
              />
            )}
            {forecast && (
              <Area
                dataKey="forecastBand"
                stroke="none"
                fill="var(--forecast-band)"
                isAnimationActive={false}
                activeDot={false}
              />
            )}
            {drawn.map((s, i) => (
              <Line
                key={s.key}
                className="series-line"
                dataKey={s.key}
                stroke={seriesColor(i)}
                strokeWidth={1.5}
                dot={false}
                isAnimationActive={false}
                connectNulls={false}
              />
            ))}
            {forecast && (
              <Line
                className="forecast-line"
                dataKey="forecast"
                stroke="var(--forecast)"
                strokeDasharray="5 3"
                strokeWidth={1.5}
                dot={false}
                isAnimationActive={false}
              />
            )}
            {episodes.map((e) =>
              e.peak.value === null ? null : (
                <ReferenceDot
                  key={`peak-${e.from}`}
                  x={e.peak.t}
                  y={e.peak.value}
                  r={4}
                  fill="var(--anomaly)"
                  stroke="var(--background)"
                  strokeWidth={1.5}
                  ifOverflow="hidden"
                  className="anomaly-peak"
                />
              ),
            )}
            {thresholds.map((t) => (
              <ReferenceLine
                key={`th-${t.label}`}
                y={t.value}
                stroke="var(--threshold)"
                strokeDasharray="6 3"
                ifOverflow="extendDomain"
                label={{ value: t.label, position: 'insideTopLeft', fontSize: 10, fill: 'var(--threshold)' }}
              />
            ))}
            {props.now !== undefined && forecast && (
              <ReferenceLine x={props.now} stroke="var(--muted-foreground)" strokeDasharray="2 2" />
            )}
            {drag && drag.from !== drag.to && (
              <ReferenceArea x1={drag.from} x2={drag.to} fill="var(--ring)" fillOpacity={0.2} />
            )}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <ChartLegend
        series={drawn}
        band={Boolean(props.band)}
        episodes={episodes.length}
        forecast={Boolean(forecast)}
        thresholds={thresholds}
      />
      {props.series.length > MAX_LINES && (
        <figcaption className="text-xs text-muted-foreground">
          showing {MAX_LINES} of {props.series.length} series — narrow the selector to see the rest
        </figcaption>
      )}
    </figure>
  );
}

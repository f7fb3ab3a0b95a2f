/**
 * A tiny line of a series' recent values, for tables and tiles. Plain SVG on
 * purpose: the fleet view draws dozens of them and must not wait for the
 * chart library (Recharts loads with the views that need axes and tooltips),
 * which keeps the first view inside its JavaScript budget.
 */
import { useId } from 'react';

/** Path of the points scaled into a width × height box; gaps (null values) break the line. */
export function sparklinePath(
  points: readonly (readonly (number | null)[])[],
  width: number,
  height: number,
  domain?: [number, number],
): string {
  const valid = points.filter((p): p is [number, number] => typeof p[0] === 'number' && typeof p[1] === 'number');
  if (valid.length === 0) return '';
  const t0 = valid[0]![0];
  const t1 = valid.at(-1)![0];
  let lo = domain?.[0] ?? Math.min(...valid.map((p) => p[1]));
  let hi = domain?.[1] ?? Math.max(...valid.map((p) => p[1]));
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const x = (t: number) => (t1 === t0 ? width : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number) => height - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo)) * height;
  let d = '';
  let pen = false;
  for (const [t, v] of points) {
    if (typeof t !== 'number' || typeof v !== 'number') {
      pen = false;
      continue;
    }
    d += `${pen ? 'L' : 'M'}${x(t).toFixed(2)},${y(v).toFixed(2)}`;
    pen = true;
  }
  return d;
}

const VIEW_WIDTH = 100;

export function Sparkline({
  points,
  color = 'var(--chart-1)',
  height = 28,
  domain,
  label,
  fill = false,
}: {
  points: readonly (readonly (number | null)[])[];
  color?: string;
  height?: number;
  /** fixed y domain (e.g. [0, 1] for ratios) so tiles compare at a glance; the data's extent otherwise */
  domain?: [number, number];
  label: string;
  /** shade the area under the line */
  fill?: boolean;
}) {
  const gradient = useId();
  const d = sparklinePath(points, VIEW_WIDTH, height, domain);
  return (
    <svg
      role="img"
      aria-label={label}
      data-points={points.length}
      viewBox={`0 -1 ${VIEW_WIDTH} ${height + 2}`}
      preserveAspectRatio="none"
      className="block w-full overflow-visible"
      style={{ height }}
    >
      {fill && d && (
        <>
          <defs>
            <linearGradient id={gradient} x1="0" x2="0" y1="0" y2="1">
              <stop offset="0%" stopColor={color} stopOpacity={0.25} />
              <stop offset="100%" stopColor={color} stopOpacity={0} />
            </linearGradient>
          </defs>
          <path d={`${d}L${VIEW_WIDTH},${height}L0,${height}Z`} fill={`url(#${gradient})`} stroke="none" />
        </>
      )}
      <path
        d={d}
        fill="none"
        stroke={color}
        strokeWidth={1.25}
        vectorEffect="non-scaling-stroke"
        className="sparkline-line"
      />
    </svg>
  );
}

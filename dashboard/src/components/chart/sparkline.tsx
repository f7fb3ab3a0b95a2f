/** A tiny line of a series' recent values, for tables and host tiles. */
import { Line, LineChart, ResponsiveContainer, YAxis } from 'recharts';

export function Sparkline({
  points,
  color = 'var(--chart-1)',
  height = 28,
  domain,
  label,
}: {
  points: readonly (readonly (number | null)[])[];
  color?: string;
  height?: number;
  /** fixed y domain (e.g. [0, 1] for ratios) so tiles compare at a glance; auto otherwise */
  domain?: [number, number];
  label: string;
}) {
  const data = points.map(([t, v]) => ({ t, v }));
  return (
    <div role="img" aria-label={label} style={{ height }} className="w-full">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 2, right: 0, bottom: 2, left: 0 }}>
          <YAxis hide domain={domain ?? ['auto', 'auto']} />
          <Line dataKey="v" stroke={color} strokeWidth={1.25} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

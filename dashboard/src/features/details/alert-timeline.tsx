/** The host's alerts over the range on one time axis: a bar per episode, coloured by severity. */
import { Link } from 'react-router';
import type { Alert } from '../../api/analysis-types.ts';
import { PanelEmpty } from '../../components/panel-state.tsx';
import { formatDateTime } from '../../lib/format.ts';

const BAR = { critical: 'bg-sev-critical', warning: 'bg-sev-warning', info: 'bg-sev-info' } as const;

export function AlertTimeline({ alerts, fromMs, toMs }: { alerts: Alert[]; fromMs: number; toMs: number }) {
  const visible = alerts.filter((a) => a.startedAt <= toMs && (a.resolvedAt ?? Infinity) >= fromMs);
  if (visible.length === 0) return <PanelEmpty>no alerts on this host in the range</PanelEmpty>;
  const span = toMs - fromMs;
  const pct = (t: number) => `${Math.min(100, Math.max(0, ((t - fromMs) / span) * 100))}%`;
  return (
    <ol aria-label="alert timeline" className="space-y-1">
      {visible.map((a) => {
        const end = a.resolvedAt ?? toMs;
        return (
          <li key={a.id} className="grid grid-cols-[minmax(8rem,14rem)_1fr] items-center gap-2 text-xs">
            <Link to={`/alerts?id=${a.id}&state=all`} className="truncate font-mono hover:underline">
              {a.labels.__name__ ?? a.kind}
            </Link>
            <div className="relative h-3 rounded bg-muted">
              <div
                title={`${a.severity} ${a.state}: ${formatDateTime(a.startedAt)} – ${a.resolvedAt ? formatDateTime(a.resolvedAt) : 'now'}\n${a.summary}`}
                className={`absolute inset-y-0 rounded ${BAR[a.severity]} ${a.state === 'resolved' ? 'opacity-50' : ''}`}
                style={{ left: pct(a.startedAt), width: `max(3px, calc(${pct(end)} - ${pct(a.startedAt)}))` }}
              />
            </div>
          </li>
        );
      })}
    </ol>
  );
}

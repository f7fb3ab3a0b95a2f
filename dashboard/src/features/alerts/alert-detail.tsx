/** One alert: what and why (the explanation), the series around it, its history, and the actions. */
import { useQuery } from '@tanstack/react-query';
import { X } from 'lucide-react';
import * as m from 'motion/react-m';
import type { Alert } from '../../api/analysis-types.ts';
import { TimeSeriesChart } from '../../components/chart/time-series-chart.tsx';
import { PanelError, PanelLoading, QueryPanel } from '../../components/panel-state.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Card, CardContent, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { useNow } from '../../hooks/use-now.ts';
import { formatDateTime } from '../../lib/format.ts';
import { alertDetailQueryOptions } from '../../queries/alerts.ts';
import { HOST_LABEL } from '@hydra/contract';
import { rangeQueryOptions } from '../../queries/metrics.ts';
import { AlertActions } from './alert-actions.tsx';
import { explanationRows, words } from './explanation.ts';

/** Context shown around an alert: this long before its start, and after its end (or now). */
export const CONTEXT_MS = 60 * 60_000;
/** Labels of an alert that are not series labels. */
const ALERT_ONLY_LABELS = new Set(['__name__', 'monitor', 'alertname', 'threshold', 'direction', HOST_LABEL]);

function seriesMatchers(alert: Alert): string[] {
  return Object.entries(alert.labels)
    .filter(([k]) => !ALERT_ONLY_LABELS.has(k))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
}

function AlertContextChart({ alert }: { alert: Alert }) {
  const metric = alert.labels.__name__;
  const now = useNow();
  const end = Math.min(now, (alert.resolvedAt ?? now) + CONTEXT_MS);
  const host = alert.labels[HOST_LABEL];
  const query = useQuery({
    ...rangeQueryOptions({
      name: metric ?? '',
      ...(host ? { host } : {}),
      match: seriesMatchers(alert),
      range: { from: String(alert.startedAt - CONTEXT_MS), to: alert.resolvedAt ? String(end) : 'now' },
    }),
    enabled: metric !== undefined,
  });
  if (metric === undefined) return null;
  const e = alert.explanation;
  const expected = typeof e.expected === 'number' ? e.expected : null;
  const unit = typeof e.unit === 'string' ? e.unit : (query.data?.series[0]?.unit ?? '');
  return (
    <QueryPanel
      query={query}
      isEmpty={(d) => d.series.length === 0}
      empty="the series has no points around the alert"
      className="h-40"
    >
      {(d) => (
        <TimeSeriesChart
          ariaLabel={`${metric} around the alert`}
          series={d.series.map((s) => ({ key: `s${s.id}`, label: metric, points: s.points }))}
          unit={unit}
          domain={[d.fromMs, d.toMs]}
          alertSpans={[{ from: alert.startedAt, to: alert.resolvedAt ?? d.toMs, severity: alert.severity }]}
          thresholds={[
            ...(expected !== null ? [{ value: expected, label: 'expected' }] : []),
            ...(typeof e.threshold === 'number' ? [{ value: e.threshold, label: 'threshold' }] : []),
          ]}
          height={170}
        />
      )}
    </QueryPanel>
  );
}

function Explanation({ alert }: { alert: Alert }) {
  return (
    <dl className="grid grid-cols-[minmax(0,auto)_1fr] gap-x-3 gap-y-0.5 text-xs">
      {explanationRows(alert.explanation).map((r) => (
        <div key={r.key} className="contents">
          <dt className="text-muted-foreground">{r.label}</dt>
          <dd className="font-mono break-words tabular-nums">{r.text}</dd>
        </div>
      ))}
    </dl>
  );
}

export function AlertDetail({ id, onClose }: { id: number; onClose: () => void }) {
  const query = useQuery(alertDetailQueryOptions(id));
  return (
    <m.div initial={{ opacity: 0, x: 16 }} animate={{ opacity: 1, x: 0 }} transition={{ duration: 0.15 }}>
      <Card aria-label={`alert ${id}`}>
        <CardHeader>
          <CardTitle>Alert {id}</CardTitle>
          <Button variant="ghost" size="icon" aria-label="close the alert" onClick={onClose}>
            <X aria-hidden />
          </Button>
        </CardHeader>
        <CardContent className="space-y-4">
          {query.isPending ? (
            <PanelLoading className="h-64" />
          ) : query.isError && !query.data ? (
            <PanelError error={query.error} />
          ) : (
            (() => {
              const a = query.data;
              return (
                <>
                  <div className="space-y-1">
                    <div className="flex flex-wrap items-center gap-1.5">
                      <Badge variant={a.severity}>{a.severity}</Badge>
                      <Badge variant={a.state === 'firing' ? 'critical' : a.state === 'pending' ? 'warning' : 'muted'}>
                        {a.state}
                      </Badge>
                      <Badge variant="outline">{words(a.kind)}</Badge>
                      <span className="text-xs text-muted-foreground">monitor {a.monitor}</span>
                    </div>
                    <p className="text-sm">{a.summary}</p>
                    <p className="text-xs text-muted-foreground">
                      started {formatDateTime(a.startedAt)}
                      {a.firedAt ? ` · fired ${formatDateTime(a.firedAt)}` : ''}
                      {a.resolvedAt ? ` · resolved ${formatDateTime(a.resolvedAt)}` : ''}
                      {a.acknowledgedAt
                        ? ` · acknowledged by ${a.acknowledgedBy ?? '?'} ${formatDateTime(a.acknowledgedAt)}${a.ackComment ? `: “${a.ackComment}”` : ''}`
                        : ''}
                    </p>
                  </div>
                  <AlertContextChart alert={a} />
                  <section aria-label="explanation">
                    <h3 className="mb-1 text-xs font-semibold">Explanation</h3>
                    <Explanation alert={a} />
                  </section>
                  <section aria-label="actions">
                    <h3 className="mb-1 text-xs font-semibold">Actions</h3>
                    <AlertActions alert={a} />
                  </section>
                  {a.history.length > 0 && (
                    <section aria-label="history">
                      <h3 className="mb-1 text-xs font-semibold">History</h3>
                      <ol className="space-y-0.5 text-xs">
                        {a.history.map((ev, i) => (
                          <li key={i} className="flex gap-2">
                            <span className="shrink-0 text-muted-foreground tabular-nums">
                              {formatDateTime(ev.time)}
                            </span>
                            <span className="font-medium">{ev.event}</span>
                            <span className="text-muted-foreground">{ev.message}</span>
                          </li>
                        ))}
                      </ol>
                    </section>
                  )}
                </>
              );
            })()
          )}
        </CardContent>
      </Card>
    </m.div>
  );
}

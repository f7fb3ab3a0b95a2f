/**
 * `/monitors`: every monitor that has raised alerts, with its status (worst
 * open alert) and activity over the range. The API has no monitor listing
 * yet, so monitors that never alerted are not shown; the page says so.
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { Alert } from '../api/analysis-types.ts';
import { PanelEmpty, PanelError, PanelLoading } from '../components/panel-state.tsx';
import { Badge } from '../components/ui/badge.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table.tsx';
import { useTimeRange } from '../hooks/use-url-state.ts';
import { formatRelative } from '../lib/format.ts';
import { describeRange } from '../lib/time-range.ts';
import { alertListQueryOptions } from '../queries/alerts.ts';

/** Most alerts read to summarise monitors over the range. */
export const MONITOR_ALERT_LIMIT = 1000;

interface MonitorRow {
  name: string;
  kinds: Set<string>;
  open: Alert[];
  total: number;
  last: number;
}

function summarise(alerts: Alert[]): MonitorRow[] {
  const byName = new Map<string, MonitorRow>();
  for (const a of alerts) {
    const row = byName.get(a.monitor) ?? { name: a.monitor, kinds: new Set(), open: [], total: 0, last: 0 };
    row.kinds.add(a.kind);
    row.total += 1;
    row.last = Math.max(row.last, a.startedAt);
    if (a.state !== 'resolved') row.open.push(a);
    byName.set(a.monitor, row);
  }
  return [...byName.values()].sort((a, b) => b.open.length - a.open.length || a.name.localeCompare(b.name));
}

function Status({ open }: { open: Alert[] }) {
  const firing = open.filter((a) => a.state === 'firing');
  if (firing.some((a) => a.severity === 'critical')) return <Badge variant="critical">critical</Badge>;
  if (firing.some((a) => a.severity === 'warning')) return <Badge variant="warning">warning</Badge>;
  if (firing.length > 0) return <Badge variant="info">firing</Badge>;
  if (open.length > 0) return <Badge variant="warning">pending</Badge>;
  return <Badge variant="ok">ok</Badge>;
}

export function MonitorsPage() {
  const [range] = useTimeRange();
  const alerts = useQuery(
    alertListQueryOptions({ state: 'all', from: range.from, to: range.to, limit: MONITOR_ALERT_LIMIT }),
  );
  const open = useQuery(alertListQueryOptions({ state: 'active', limit: MONITOR_ALERT_LIMIT }));
  const rows = summarise([
    ...(open.data?.alerts ?? []),
    ...(alerts.data?.alerts ?? []).filter((a) => a.state === 'resolved'),
  ]);
  return (
    <div className="space-y-3">
      <h1 className="text-base font-semibold">
        Monitors <span className="font-normal text-muted-foreground">· {describeRange(range)}</span>
      </h1>
      <Card>
        <CardHeader>
          <div>
            <CardTitle>Monitors with alerts</CardTitle>
            <CardDescription>
              status is the worst open alert; monitors that raised nothing in the range are not listed (the API has no
              monitor listing yet)
            </CardDescription>
          </div>
        </CardHeader>
        <CardContent>
          {alerts.isPending || open.isPending ? (
            <PanelLoading className="h-32" />
          ) : (alerts.isError && !alerts.data) || (open.isError && !open.data) ? (
            <PanelError error={alerts.error ?? open.error} />
          ) : rows.length === 0 ? (
            <PanelEmpty>no monitor raised an alert in the range</PanelEmpty>
          ) : (
            <Table aria-label="monitors">
              <TableHeader>
                <TableRow>
                  <TableHead>monitor</TableHead>
                  <TableHead>status</TableHead>
                  <TableHead>kinds</TableHead>
                  <TableHead>open alerts</TableHead>
                  <TableHead>alerts in range</TableHead>
                  <TableHead>last alert</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map((m) => (
                  <TableRow key={m.name}>
                    <TableCell className="font-medium">
                      <Link className="hover:underline" to={`/alerts?monitor=${encodeURIComponent(m.name)}&state=all`}>
                        {m.name}
                      </Link>
                    </TableCell>
                    <TableCell>
                      <Status open={m.open} />
                    </TableCell>
                    <TableCell className="text-xs">{[...m.kinds].join(', ')}</TableCell>
                    <TableCell className="tabular-nums">{m.open.length}</TableCell>
                    <TableCell className="tabular-nums">{m.total}</TableCell>
                    <TableCell className="text-xs text-muted-foreground">{formatRelative(m.last)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
    </div>
  );
}

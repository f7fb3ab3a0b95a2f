/** Every host with its health, open alerts, and a sparkline and latest value of each key metric. */
import { Link } from 'react-router';
import * as m from 'motion/react-m';
import { Sparkline } from '../../components/chart/sparkline.tsx';
import { PanelEmpty, PanelError, PanelLoading } from '../../components/panel-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { formatRate, formatRelative, formatValue } from '../../lib/format.ts';
import { seriesColor } from '../../components/chart/chart-data.ts';
import { useNow } from '../../hooks/use-now.ts';
import { KEY_METRICS, STALE_AFTER_MS } from './key-metrics.ts';
import { HealthBadge } from './health-badge.tsx';
import { hostHealth, type useFleet } from './use-fleet.ts';

const HEALTH_ORDER = { critical: 0, warning: 1, stale: 2, unknown: 3, ok: 4 } as const;

export function HostTable({ fleet, search }: { fleet: ReturnType<typeof useFleet>; search: string }) {
  const { hosts, rows, step } = fleet;
  const now = useNow();
  const staleAfter = Math.max(STALE_AFTER_MS, 2 * step * 1000);
  const sorted = rows
    .map((r) => ({ row: r, health: hostHealth(r, now, staleAfter) }))
    .sort((a, b) => HEALTH_ORDER[a.health] - HEALTH_ORDER[b.health] || a.row.host.localeCompare(b.row.host));
  return (
    <Card className="col-span-full">
      <CardHeader>
        <div>
          <CardTitle>Hosts</CardTitle>
          <CardDescription>worst first; select a host for every metric with bands and forecasts</CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        {hosts.isPending ? (
          <PanelLoading className="h-40" />
        ) : hosts.isError && !hosts.data ? (
          <PanelError error={hosts.error} />
        ) : sorted.length === 0 ? (
          <PanelEmpty>no host has sent metrics yet (series with a host.name label appear here)</PanelEmpty>
        ) : (
          <Table>
            <TableHeader>
              <TableRow>
                <TableHead>host</TableHead>
                <TableHead>health</TableHead>
                <TableHead>alerts</TableHead>
                {KEY_METRICS.map((m) => (
                  <TableHead key={m.name} className="w-[16%]">
                    {m.title}
                  </TableHead>
                ))}
                <TableHead>last point</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {sorted.map(({ row, health }) => (
                <m.tr
                  key={row.host}
                  layout="position"
                  transition={{ duration: 0.25 }}
                  className="border-b hover:bg-muted/50"
                >
                  <TableCell className="font-medium whitespace-nowrap">
                    <Link
                      className="underline-offset-2 hover:underline focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
                      to={`/details/${encodeURIComponent(row.host)}${search}`}
                    >
                      {row.host}
                    </Link>
                  </TableCell>
                  <TableCell>
                    <HealthBadge health={health} />
                  </TableCell>
                  <TableCell className="tabular-nums">
                    {row.alerts.length === 0 ? <span className="text-muted-foreground">0</span> : row.alerts.length}
                  </TableCell>
                  {KEY_METRICS.map((m, i) => {
                    const s = row.series.get(m.name);
                    const last = s?.points.findLast((p) => p[1] !== null)?.[1] ?? null;
                    const text =
                      m.aggregation === 'rate' ? formatRate(last, m.unit) : formatValue(last, s?.unit ?? m.unit);
                    return (
                      <TableCell key={m.name}>
                        {s ? (
                          <div className="flex items-center gap-2">
                            <div className="min-w-16 flex-1">
                              <Sparkline
                                points={s.points}
                                color={seriesColor(i)}
                                label={`${m.title} of ${row.host}, latest ${text}`}
                                {...(m.domain ? { domain: m.domain } : {})}
                              />
                            </div>
                            <span className="w-16 shrink-0 text-right font-mono text-xs tabular-nums">{text}</span>
                          </div>
                        ) : (
                          <span className="text-xs text-muted-foreground">no data</span>
                        )}
                      </TableCell>
                    );
                  })}
                  <TableCell className="text-xs whitespace-nowrap text-muted-foreground">
                    {row.lastSeen === null ? '—' : formatRelative(row.lastSeen, now)}
                  </TableCell>
                </m.tr>
              ))}
            </TableBody>
          </Table>
        )}
      </CardContent>
    </Card>
  );
}

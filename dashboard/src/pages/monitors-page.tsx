/**
 * `/monitors`: every monitor the API knows of (GET /monitors: hydra.yaml, HydraMonitor resources whose
 * jobs ran, monitors that alerted), what each watches and does, its status, the last run of each of its
 * jobs, and its alerts.
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { MonitorWire } from '../api/analysis-types.ts';
import { PanelEmpty, PanelError, PanelLoading } from '../components/panel-state.tsx';
import { Badge } from '../components/ui/badge.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../components/ui/card.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../components/ui/table.tsx';
import { useNow } from '../hooks/use-now.ts';
import { formatRelative, formatValue } from '../lib/format.ts';
import { monitorListQueryOptions } from '../queries/monitors.ts';

type Job = MonitorWire['jobs'][number];

const SOURCE_WORDS: Record<string, string> = {
  config: 'configured',
  jobs: 'jobs ran',
  alerts: 'alerted',
};

/** Worst first: a firing critical alert, a failing job, a firing warning, … then quiet monitors. */
function statusOf(m: MonitorWire): {
  rank: number;
  badge: 'critical' | 'warning' | 'info' | 'ok' | 'muted';
  text: string;
} {
  if (m.alerts.worstFiring === 'critical') return { rank: 0, badge: 'critical', text: 'critical' };
  if (m.jobs.some((j) => j.lastOutcome === 'failure')) return { rank: 1, badge: 'critical', text: 'job failing' };
  if (m.alerts.worstFiring === 'warning') return { rank: 2, badge: 'warning', text: 'warning' };
  if (m.alerts.firing > 0) return { rank: 3, badge: 'info', text: 'firing' };
  if (m.alerts.open > 0) return { rank: 4, badge: 'warning', text: 'pending' };
  if (m.spec?.paused) return { rank: 6, badge: 'muted', text: 'paused' };
  if (m.jobs.length === 0) return { rank: 5, badge: 'muted', text: 'not run yet' };
  return { rank: 7, badge: 'ok', text: 'ok' };
}

/** A cron schedule in words where it is a common one ("every minute", "hourly"), else as written. */
export function scheduleWords(cron: string): string {
  const c = cron.trim().split(/\s+/).join(' ');
  if (c === '* * * * *') return 'every minute';
  const every = /^\*\/(\d+) \* \* \* \*$/.exec(c);
  if (every) return `every ${every[1]} min`;
  if (/^\d+ \* \* \* \*$/.test(c)) return 'hourly';
  if (/^\d+ \d+ \* \* \*$/.test(c)) return 'daily';
  return `cron ${c}`;
}

function WhatItDoes({ m }: { m: MonitorWire }) {
  if (!m.spec) {
    return (
      <span className="text-muted-foreground">
        spec not known to this API ({m.sources.map((s) => SOURCE_WORDS[s] ?? s).join(', ')})
      </span>
    );
  }
  const { spec } = m;
  return (
    <div className="space-y-0.5">
      <div className="font-mono break-all">
        {spec.metric}
        {spec.matchers.length > 0 && <span className="text-muted-foreground">{`{${spec.matchers.join(', ')}}`}</span>}
      </div>
      <div className="text-muted-foreground">
        {[
          spec.anomaly &&
            `anomaly detection (${spec.anomaly.detector}, sensitivity ${spec.anomaly.sensitivity}, ${scheduleWords(spec.anomaly.schedule)})`,
          spec.forecast &&
            `forecast ${spec.forecast.horizon} ahead (${spec.forecast.model}, ${scheduleWords(spec.forecast.schedule)})` +
              (spec.forecast.thresholds.length
                ? `, alerts when ${spec.forecast.thresholds.map((t) => `${t.direction} ${t.value} (${t.severity})`).join(', ')}`
                : ''),
          `${spec.severity} after ${spec.for}`,
        ]
          .filter(Boolean)
          .join(' · ')}
      </div>
    </div>
  );
}

function LastRun({ job, now }: { job: Job; now: number }) {
  const failed = job.lastOutcome === 'failure';
  return (
    <li className="flex flex-wrap items-baseline gap-x-1.5">
      <span className="font-medium">{job.kind}</span>
      <Badge variant={failed ? 'critical' : 'ok'}>{failed ? 'failed' : 'succeeded'}</Badge>
      <span className="text-muted-foreground">
        {formatRelative(Date.parse(job.lastRunAt), now)} in {formatValue(job.lastDurationSeconds, 's')}
        {failed
          ? ` · ${job.consecutiveFailures} failure${job.consecutiveFailures === 1 ? '' : 's'} in a row` +
            (job.lastSuccessAt
              ? `, last success ${formatRelative(Date.parse(job.lastSuccessAt), now)}`
              : ', never succeeded')
          : ''}
      </span>
      {failed && job.lastError && <span className="w-full break-words text-destructive">{job.lastError}</span>}
      {job.note && (
        <span className="w-full break-words text-[color-mix(in_oklch,var(--sev-warning),black_35%)] dark:text-sev-warning">
          {job.note}
        </span>
      )}
    </li>
  );
}

export function MonitorsPage() {
  const now = useNow();
  const monitors = useQuery(monitorListQueryOptions());
  const rows = [...(monitors.data ?? [])]
    .map((m) => ({ m, status: statusOf(m) }))
    .sort((a, b) => a.status.rank - b.status.rank || a.m.key.localeCompare(b.m.key));
  return (
    <div className="space-y-3">
      <h1 className="text-base font-semibold">Monitors</h1>
      <Card>
        <CardHeader>
          <div>
            <CardTitle>Every monitor</CardTitle>
            <CardDescription>
              configured in hydra.yaml, HydraMonitor resources whose jobs have run, and monitors that raised alerts;
              worst first
            </CardDescription>
          </div>
        </CardHeader>
        <CardContent>
          {monitors.isPending ? (
            <PanelLoading className="h-32" />
          ) : monitors.isError && !monitors.data ? (
            <PanelError error={monitors.error} />
          ) : rows.length === 0 ? (
            <PanelEmpty>no monitor yet: add one to hydra.yaml or create a HydraMonitor resource</PanelEmpty>
          ) : (
            <Table aria-label="monitors" className="text-xs">
              <TableHeader>
                <TableRow>
                  <TableHead>monitor</TableHead>
                  <TableHead>status</TableHead>
                  <TableHead className="hidden md:table-cell">what it does</TableHead>
                  <TableHead>last runs</TableHead>
                  <TableHead className="text-right">alerts</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {rows.map(({ m, status }) => (
                  <TableRow key={m.key} className="align-top">
                    <TableCell className="font-medium">
                      <Link
                        className="text-sm hover:underline"
                        to={`/alerts?monitor=${encodeURIComponent(m.key)}&state=all`}
                      >
                        {m.name}
                      </Link>
                      <div className="font-normal text-muted-foreground">{m.namespace}</div>
                    </TableCell>
                    <TableCell>
                      <Badge variant={status.badge}>{status.text}</Badge>
                    </TableCell>
                    <TableCell className="hidden max-w-[36rem] md:table-cell">
                      <WhatItDoes m={m} />
                    </TableCell>
                    <TableCell className="min-w-40">
                      {m.jobs.length === 0 ? (
                        <span className="text-muted-foreground">no run recorded</span>
                      ) : (
                        <ul className="space-y-1">
                          {m.jobs.map((j) => (
                            <LastRun key={j.kind} job={j} now={now} />
                          ))}
                        </ul>
                      )}
                    </TableCell>
                    <TableCell className="text-right whitespace-nowrap tabular-nums">
                      <div>
                        <span className="font-medium">{m.alerts.open}</span> open
                      </div>
                      <div className="text-muted-foreground">{m.alerts.total} in all</div>
                      {m.alerts.lastStartedAt && (
                        <div className="text-muted-foreground">
                          last {formatRelative(Date.parse(m.alerts.lastStartedAt), now)}
                        </div>
                      )}
                    </TableCell>
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

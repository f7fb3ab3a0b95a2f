/** Open alerts by severity, each count a link to the filtered alerts table. */
import { Link } from 'react-router';
import type { UseQueryResult } from '@tanstack/react-query';
import { ALERT_SEVERITIES, type AlertPage } from '../../api/analysis-types.ts';
import { describeError, PanelLoading } from '../../components/panel-state.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { cn } from '../../lib/utils.ts';

const COLOR = { critical: 'text-sev-critical', warning: 'text-sev-warning', info: 'text-sev-info' } as const;

export function AlertSummary({ alerts }: { alerts: UseQueryResult<AlertPage> }) {
  const list = alerts.data?.alerts ?? [];
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>Open alerts</CardTitle>
          <CardDescription>pending and firing, by severity</CardDescription>
        </div>
        <Link to="/alerts" className="text-xs underline-offset-2 hover:underline">
          all alerts
        </Link>
      </CardHeader>
      <CardContent>
        {alerts.isPending ? (
          <PanelLoading className="h-16" />
        ) : alerts.isError && !alerts.data ? (
          <p role="status" className="text-xs text-muted-foreground">
            {describeError(alerts.error)}
          </p>
        ) : (
          <dl className="grid grid-cols-3 gap-2">
            {ALERT_SEVERITIES.map((sev) => {
              const firing = list.filter((a) => a.severity === sev && a.state === 'firing').length;
              const pending = list.filter((a) => a.severity === sev && a.state === 'pending').length;
              return (
                <Link
                  key={sev}
                  to={`/alerts?severity=${sev}`}
                  className="rounded-md border p-2 hover:bg-muted/50 focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
                >
                  <dt className="text-xs text-muted-foreground">{sev}</dt>
                  <dd
                    className={cn(
                      'text-2xl font-semibold tabular-nums',
                      firing > 0 ? COLOR[sev] : 'text-muted-foreground',
                    )}
                  >
                    {firing}
                  </dd>
                  <dd className="text-xs text-muted-foreground">{pending} pending</dd>
                </Link>
              );
            })}
          </dl>
        )}
      </CardContent>
    </Card>
  );
}

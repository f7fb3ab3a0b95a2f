/**
 * Two lists read from the open alerts: the most anomalous series right now
 * (anomaly alerts by score) and forecasts that will cross a threshold soon
 * (forecast alerts by crossing time).
 */
import type { UseQueryResult } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { Alert, AlertPage } from '../../api/analysis-types.ts';
import { describeError, PanelEmpty, PanelLoading } from '../../components/panel-state.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '../../components/ui/card.tsx';
import { formatRelative, formatValue } from '../../lib/format.ts';
import { HOST_LABEL } from '@hydra/contract';

/** Rows each list shows. */
export const LIST_ROWS = 8;

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** A time of the explanation: epoch ms or RFC 3339 (the forecast job writes `crossingAt` as RFC 3339). */
function time(v: unknown): number | null {
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return num(v);
}

function AlertRows({ alerts, right }: { alerts: Alert[]; right: (a: Alert) => string }) {
  return (
    <ul className="divide-y text-sm">
      {alerts.map((a) => (
        <li key={a.id}>
          <Link
            to={`/alerts?id=${a.id}&state=all`}
            className="flex items-center gap-2 py-1.5 hover:bg-muted/50 focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
          >
            <Badge variant={a.severity}>{a.severity}</Badge>
            <span className="truncate font-mono text-xs">{a.labels.__name__ ?? a.kind}</span>
            <span className="truncate text-xs text-muted-foreground">{a.labels[HOST_LABEL] ?? ''}</span>
            <span className="ml-auto shrink-0 font-mono text-xs tabular-nums">{right(a)}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function ListCard({
  title,
  description,
  alerts,
  pick,
  empty,
  right,
}: {
  title: string;
  description: string;
  alerts: UseQueryResult<AlertPage>;
  pick: (all: Alert[]) => Alert[];
  empty: string;
  right: (a: Alert) => string;
}) {
  const rows = pick(alerts.data?.alerts ?? []).slice(0, LIST_ROWS);
  return (
    <Card>
      <CardHeader>
        <div>
          <CardTitle>{title}</CardTitle>
          <CardDescription>{description}</CardDescription>
        </div>
      </CardHeader>
      <CardContent>
        {alerts.isPending ? (
          <PanelLoading className="h-24" />
        ) : alerts.isError && !alerts.data ? (
          <PanelEmpty>{describeError(alerts.error)}</PanelEmpty>
        ) : rows.length === 0 ? (
          <PanelEmpty>{empty}</PanelEmpty>
        ) : (
          <AlertRows alerts={rows} right={right} />
        )}
      </CardContent>
    </Card>
  );
}

export function TopAnomalies({ alerts }: { alerts: UseQueryResult<AlertPage> }) {
  return (
    <ListCard
      title="Most anomalous now"
      description="open anomaly alerts, highest score first"
      alerts={alerts}
      pick={(all) =>
        all
          .filter((a) => a.kind === 'anomaly')
          .sort((a, b) => (num(b.explanation.score) ?? 0) - (num(a.explanation.score) ?? 0))
      }
      empty="no series is anomalous right now"
      right={(a) => `score ${formatValue(num(a.explanation.score), '')}`}
    />
  );
}

export function ForecastCrossings({ alerts }: { alerts: UseQueryResult<AlertPage> }) {
  const crossing = (a: Alert) => time(a.explanation.crossingAt);
  return (
    <ListCard
      title="Forecast to cross a threshold"
      description="open forecast alerts, soonest first"
      alerts={alerts}
      pick={(all) =>
        all
          .filter((a) => a.kind === 'forecast_threshold')
          .sort((a, b) => (crossing(a) ?? Infinity) - (crossing(b) ?? Infinity))
      }
      empty="no forecast crosses a threshold within its horizon"
      right={(a) => {
        const at = crossing(a);
        return at === null ? 'crossing' : formatRelative(at);
      }}
    />
  );
}

/** The alerts of the current filters: sortable columns, paging, a row selects the alert (in the URL). */
import type { UseQueryResult } from '@tanstack/react-query';
import { ArrowDown, ArrowUp, BellOff, Check } from 'lucide-react';
import { useState } from 'react';
import type { Alert, AlertPage } from '../../api/analysis-types.ts';
import { PanelEmpty, PanelError, PanelLoading } from '../../components/panel-state.tsx';
import { Badge } from '../../components/ui/badge.tsx';
import { Button } from '../../components/ui/button.tsx';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '../../components/ui/table.tsx';
import { useNow } from '../../hooks/use-now.ts';
import { formatDuration, formatRelative } from '../../lib/format.ts';
import { cn } from '../../lib/utils.ts';
import { HOST_LABEL } from '@hydra/contract';
import { words } from './explanation.ts';

type SortKey = 'severity' | 'state' | 'startedAt' | 'monitor' | 'host';
const SEVERITY_RANK = { critical: 0, warning: 1, info: 2 } as const;
const STATE_RANK = { firing: 0, pending: 1, resolved: 2 } as const;

function compare(key: SortKey, a: Alert, b: Alert): number {
  switch (key) {
    case 'severity':
      return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity];
    case 'state':
      return STATE_RANK[a.state] - STATE_RANK[b.state];
    case 'startedAt':
      return b.startedAt - a.startedAt;
    case 'monitor':
      return a.monitor.localeCompare(b.monitor);
    case 'host':
      return (a.labels[HOST_LABEL] ?? '').localeCompare(b.labels[HOST_LABEL] ?? '');
  }
}

const STATE_VARIANT = { firing: 'critical', pending: 'warning', resolved: 'muted' } as const;

/**
 * The summary without the "<metric> on <host>" it starts with (the row shows both in their own places),
 * so what differs between two alerts (value, threshold, band) comes first.
 */
export function summaryDetail(a: Alert): string {
  const metric = a.labels.__name__;
  const host = a.labels[HOST_LABEL];
  let text = a.summary;
  for (const prefix of [metric && host ? `${metric} on ${host}` : null, metric ?? null]) {
    if (prefix && text.startsWith(prefix)) {
      text = text.slice(prefix.length).replace(/^[\s:,]+/, '');
      break;
    }
  }
  return text || a.summary;
}

function StateBadges({ alert: a }: { alert: Alert }) {
  return (
    <span className="inline-flex items-center gap-1">
      <Badge variant={STATE_VARIANT[a.state]}>{a.state}</Badge>
      {a.acknowledgedAt !== null && <Check aria-label="acknowledged" className="size-3.5 text-ok" />}
      {a.silencedBy !== null && <BellOff aria-label="silenced" className="size-3.5 text-muted-foreground" />}
    </span>
  );
}

export function AlertsTable({
  query,
  selected,
  onSelect,
  offset,
  pageSize,
  onPage,
}: {
  query: UseQueryResult<AlertPage>;
  selected: number | null;
  onSelect: (id: number) => void;
  offset: number;
  pageSize: number;
  onPage: (offset: number) => void;
}) {
  const now = useNow();
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'severity', desc: false });
  if (query.isPending) return <PanelLoading className="h-64" />;
  if (query.isError && !query.data) return <PanelError error={query.error} />;
  const alerts = [...(query.data?.alerts ?? [])].sort((a, b) => {
    const c = compare(sort.key, a, b) || compare('startedAt', a, b);
    return sort.desc ? -c : c;
  });
  const total = query.data?.total;
  const header = (key: SortKey, label: string, className?: string) => (
    <TableHead
      className={cn('whitespace-nowrap', className)}
      aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        className="inline-flex items-center gap-1 hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
        onClick={() => setSort((s) => ({ key, desc: s.key === key ? !s.desc : false }))}
      >
        {label}
        {sort.key === key &&
          (sort.desc ? <ArrowUp className="size-3" aria-hidden /> : <ArrowDown className="size-3" aria-hidden />)}
      </button>
    </TableHead>
  );
  return (
    <div className="space-y-2">
      {alerts.length === 0 ? (
        <PanelEmpty className="h-32">no alert matches these filters</PanelEmpty>
      ) : (
        <Table aria-label="alerts" className="text-xs">
          <TableHeader>
            <TableRow>
              {header('severity', 'severity')}
              {header('state', 'state', 'hidden sm:table-cell')}
              <TableHead className="w-full">alert</TableHead>
              {header('host', 'host', 'hidden lg:table-cell')}
              {header('monitor', 'monitor', 'hidden xl:table-cell')}
              {header('startedAt', 'started', 'hidden md:table-cell')}
              <TableHead className="hidden md:table-cell">duration</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {alerts.map((a) => {
              const host = a.labels[HOST_LABEL];
              const duration = formatDuration((a.resolvedAt ?? now) - a.startedAt);
              return (
                <TableRow
                  key={a.id}
                  data-state={a.id === selected ? 'selected' : undefined}
                  className="cursor-pointer align-top"
                  onClick={() => onSelect(a.id)}
                >
                  <TableCell>
                    <Badge variant={a.severity}>{a.severity}</Badge>
                  </TableCell>
                  <TableCell className="hidden sm:table-cell">
                    <StateBadges alert={a} />
                  </TableCell>
                  <TableCell className="max-w-0 min-w-48">
                    <button
                      type="button"
                      className={cn(
                        'block w-full text-left focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none',
                        a.id === selected && 'font-medium',
                      )}
                      onClick={() => onSelect(a.id)}
                      title={a.summary}
                    >
                      <span className="block truncate font-mono">{a.labels.__name__ ?? words(a.kind)}</span>
                      <span className="line-clamp-2 text-muted-foreground">{summaryDetail(a)}</span>
                      <span className="mt-0.5 flex flex-wrap items-center gap-x-1.5 text-muted-foreground lg:hidden">
                        {host && <span className="font-medium whitespace-nowrap text-foreground">{host}</span>}
                        <span className="sm:hidden">
                          <StateBadges alert={a} />
                        </span>
                        <span className="whitespace-nowrap md:hidden">
                          started {formatRelative(a.startedAt, now)} · {duration}
                        </span>
                      </span>
                    </button>
                  </TableCell>
                  <TableCell className="hidden whitespace-nowrap lg:table-cell">{host ?? '—'}</TableCell>
                  <TableCell className="hidden whitespace-nowrap xl:table-cell">{a.monitor}</TableCell>
                  <TableCell className="hidden whitespace-nowrap md:table-cell">
                    {formatRelative(a.startedAt, now)}
                  </TableCell>
                  <TableCell className="hidden whitespace-nowrap tabular-nums md:table-cell">{duration}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      )}
      <nav aria-label="pages" className="flex items-center justify-end gap-2 text-xs text-muted-foreground">
        <span>
          {alerts.length === 0 ? 0 : offset + 1}–{offset + alerts.length}
          {total !== undefined ? ` of ${total}` : ''}
        </span>
        <Button
          variant="outline"
          size="sm"
          disabled={offset === 0}
          onClick={() => onPage(Math.max(0, offset - pageSize))}
        >
          previous
        </Button>
        <Button
          variant="outline"
          size="sm"
          disabled={total !== undefined ? offset + pageSize >= total : alerts.length < pageSize}
          onClick={() => onPage(offset + pageSize)}
        >
          next
        </Button>
      </nav>
    </div>
  );
}

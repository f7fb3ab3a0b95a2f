/** `/alerts`: filter, sort and page alerts; select one for its explanation, chart and actions. */
import { useQuery } from '@tanstack/react-query';
import { AlertDetail } from '../features/alerts/alert-detail.tsx';
import { AlertFilters } from '../features/alerts/alert-filters.tsx';
import { AlertsTable } from '../features/alerts/alerts-table.tsx';
import { SilencesPanel } from '../features/alerts/silences-panel.tsx';
import type { AlertSeverity, AlertState } from '../api/analysis-types.ts';
import { useTimeRange, useUrlParam } from '../hooks/use-url-state.ts';
import { describeRange } from '../lib/time-range.ts';
import { ALERTS_PAGE_SIZE, alertListQueryOptions, type AlertFilters as Filters } from '../queries/alerts.ts';
import { Card, CardContent } from '../components/ui/card.tsx';

export function AlertsPage() {
  const [range] = useTimeRange();
  const [state] = useUrlParam('state');
  const [severity] = useUrlParam('severity');
  const [monitor] = useUrlParam('monitor');
  const [host] = useUrlParam('host');
  const [offsetParam, setOffset] = useUrlParam('offset');
  const [idParam, setId] = useUrlParam('id');
  const offset = Math.max(0, Number(offsetParam ?? 0) || 0);
  const history = state === 'all' || state === 'resolved';
  const filters: Filters = {
    state: (state ?? 'active') as Filters['state'],
    ...(severity ? { severity: severity as AlertSeverity } : {}),
    ...(monitor ? { monitor } : {}),
    ...(host ? { host } : {}),
    // The time range narrows history; open alerts are open whenever they started.
    ...(history ? { from: range.from, to: range.to } : {}),
    limit: ALERTS_PAGE_SIZE,
    offset,
  };
  const query = useQuery(alertListQueryOptions(filters));
  const selected = idParam === null ? null : Number(idParam);
  return (
    <div className="space-y-3">
      <h1 className="text-base font-semibold">
        Alerts
        <span className="font-normal text-muted-foreground">
          {' '}
          ·{' '}
          {history
            ? `${(state as AlertState | 'all') === 'all' ? 'all' : state} in the ${describeRange(range)}`
            : 'open now'}
        </span>
      </h1>
      <AlertFilters />
      <div className="grid grid-cols-1 gap-3 xl:grid-cols-[minmax(0,3fr)_minmax(24rem,2fr)]">
        <Card>
          <CardContent className="pt-2">
            <AlertsTable
              query={query}
              selected={selected}
              onSelect={(id) => setId(String(id))}
              offset={offset}
              pageSize={ALERTS_PAGE_SIZE}
              onPage={(o) => setOffset(o === 0 ? null : String(o))}
            />
          </CardContent>
        </Card>
        <div className="space-y-3">
          {selected !== null && Number.isInteger(selected) && <AlertDetail id={selected} onClose={() => setId(null)} />}
          <SilencesPanel />
        </div>
      </div>
    </div>
  );
}

/** `/dashboard`: the fleet at a glance. */
import { useLocation } from 'react-router';
import { ForecastCrossings, TopAnomalies } from '../features/fleet/alert-lists.tsx';
import { AlertSummary } from '../features/fleet/alert-summary.tsx';
import { HostTable } from '../features/fleet/host-table.tsx';
import { IngestRate } from '../features/fleet/ingest-rate.tsx';
import { useFleet } from '../features/fleet/use-fleet.ts';
import { useTimeRange } from '../hooks/use-url-state.ts';
import { describeRange } from '../lib/time-range.ts';

export function FleetPage() {
  const [range] = useTimeRange();
  const fleet = useFleet(range);
  const { search } = useLocation();
  return (
    <div className="space-y-3">
      <h1 className="text-base font-semibold">
        Fleet <span className="font-normal text-muted-foreground">· {describeRange(range)}</span>
      </h1>
      <div className="grid grid-cols-1 gap-3 lg:grid-cols-2 2xl:grid-cols-4">
        <AlertSummary alerts={fleet.alerts} />
        <IngestRate range={range} />
        <TopAnomalies alerts={fleet.alerts} />
        <ForecastCrossings alerts={fleet.alerts} />
        <HostTable fleet={fleet} search={search} />
      </div>
    </div>
  );
}

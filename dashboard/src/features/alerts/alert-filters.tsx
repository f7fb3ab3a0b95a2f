/** Filters of the alerts table; each lives in the URL. */
import { useQuery } from '@tanstack/react-query';
import { ALERT_SEVERITIES, ALERT_STATES } from '../../api/analysis-types.ts';
import { Input, Label } from '../../components/ui/input.tsx';
import { NativeSelect } from '../../components/ui/native-select.tsx';
import { useUrlParam } from '../../hooks/use-url-state.ts';
import { hostsQueryOptions } from '../../queries/metrics.ts';

export function AlertFilters() {
  const [state, setState] = useUrlParam('state', true);
  const [severity, setSeverity] = useUrlParam('severity', true);
  const [monitor, setMonitor] = useUrlParam('monitor', true);
  const [host, setHost] = useUrlParam('host', true);
  const hosts = useQuery(hostsQueryOptions());
  return (
    <form
      role="search"
      aria-label="filter alerts"
      className="flex flex-wrap items-end gap-2"
      onSubmit={(e) => e.preventDefault()}
    >
      <div className="flex flex-col gap-1">
        <Label htmlFor="f-state">state</Label>
        <NativeSelect
          id="f-state"
          value={state ?? 'active'}
          onChange={(e) => setState(e.target.value === 'active' ? null : e.target.value)}
        >
          <option value="active">open (pending + firing)</option>
          {ALERT_STATES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
          <option value="all">all, with history</option>
        </NativeSelect>
      </div>
      <div className="flex flex-col gap-1">
        <Label htmlFor="f-severity">severity</Label>
        <NativeSelect id="f-severity" value={severity ?? ''} onChange={(e) => setSeverity(e.target.value)}>
          <option value="">any</option>
          {ALERT_SEVERITIES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="flex flex-col gap-1">
        <Label htmlFor="f-host">host</Label>
        <NativeSelect id="f-host" value={host ?? ''} onChange={(e) => setHost(e.target.value)}>
          <option value="">any</option>
          {(hosts.data ?? []).map((h) => (
            <option key={h} value={h}>
              {h}
            </option>
          ))}
        </NativeSelect>
      </div>
      <div className="flex flex-col gap-1">
        <Label htmlFor="f-monitor">monitor</Label>
        <Input
          id="f-monitor"
          className="w-44"
          placeholder="any"
          defaultValue={monitor ?? ''}
          onBlur={(e) => setMonitor(e.target.value.trim())}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setMonitor(e.currentTarget.value.trim());
          }}
        />
      </div>
    </form>
  );
}

/** Quick ranges (15m … 7d) and a "back to live" action after a zoom; the range lives in the URL. */
import { Radio, ZoomOut } from 'lucide-react';
import { useTimeRange } from '../hooks/use-url-state.ts';
import { isLive, RANGE_PRESETS, zoomOut } from '../lib/time-range.ts';
import { cn } from '../lib/utils.ts';
import { Button } from './ui/button.tsx';

export function TimeRangePicker() {
  const [range, setRange] = useTimeRange();
  const live = isLive(range);
  return (
    <div className="flex items-center gap-1">
      <div role="group" aria-label="time range" className="flex rounded-md border p-0.5">
        {RANGE_PRESETS.map((p) => {
          const active = live && range.from === p.from;
          return (
            <button
              key={p.label}
              type="button"
              aria-pressed={active}
              onClick={() => setRange({ from: p.from, to: 'now' })}
              className={cn(
                'rounded px-2 py-0.5 text-xs font-medium text-muted-foreground hover:text-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none',
                active && 'bg-secondary text-foreground',
              )}
            >
              {p.label}
            </button>
          );
        })}
      </div>
      {!live && (
        <>
          <Button variant="outline" size="sm" aria-label="zoom out" onClick={() => setRange(zoomOut(range))}>
            <ZoomOut aria-hidden />
          </Button>
          <Button variant="outline" size="sm" onClick={() => setRange({ from: 'now-6h', to: 'now' })}>
            <Radio aria-hidden /> live
          </Button>
        </>
      )}
    </div>
  );
}

/**
 * A banner across the top while the API or its database is down; it goes
 * away by itself when /readyz answers again (polled every few seconds).
 */
import { useQuery } from '@tanstack/react-query';
import { AnimatePresence } from 'motion/react';
import * as m from 'motion/react-m';
import { WifiOff } from 'lucide-react';
import { readyQueryOptions } from '../queries/health.ts';
import { describeError } from './panel-state.tsx';

export function ApiStatusBanner() {
  const ready = useQuery(readyQueryOptions());
  const down = ready.isError;
  return (
    <AnimatePresence initial={false}>
      {down && (
        <m.div
          role="alert"
          initial={{ height: 0, opacity: 0 }}
          animate={{ height: 'auto', opacity: 1 }}
          exit={{ height: 0, opacity: 0 }}
          transition={{ duration: 0.2 }}
          className="overflow-hidden border-b border-destructive/40 bg-destructive/10 text-destructive"
        >
          <div className="flex items-center gap-2 px-4 py-1.5 text-sm">
            <WifiOff aria-hidden className="size-4 shrink-0" />
            <span className="font-medium">API unavailable</span>
            <span className="truncate text-destructive/90">{describeError(ready.error)}</span>
            <span className="ml-auto shrink-0 text-xs">retrying every few seconds; panels keep their last data</span>
          </div>
        </m.div>
      )}
    </AnimatePresence>
  );
}

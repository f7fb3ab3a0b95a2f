/**
 * Every monitor the API knows of (GET /monitors): from its configuration, its recorded job runs and its
 * alerts, with what it does and the last run of each of its jobs.
 */
import { queryOptions } from '@tanstack/react-query';
import { apiFetch } from '../api/client.ts';
import type { MonitorWire } from '../api/analysis-types.ts';

/** Jobs run every minute or hour; the list refreshes this often. */
export const MONITORS_REFETCH_MS = 30_000;

export const monitorKeys = {
  all: ['monitors'] as const,
  list: () => [...monitorKeys.all, 'list'] as const,
};

export function monitorListQueryOptions() {
  return queryOptions({
    queryKey: monitorKeys.list(),
    queryFn: ({ signal }) => apiFetch<{ monitors: MonitorWire[] }>('/monitors', { signal }).then((r) => r.monitors),
    refetchInterval: MONITORS_REFETCH_MS,
    staleTime: MONITORS_REFETCH_MS / 2,
  });
}

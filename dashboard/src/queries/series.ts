/** Series discovery: which series match a selector (e.g. every series of a host). */
import { queryOptions } from '@tanstack/react-query';
import type { SeriesInfoBody } from '@hydra/contract';
import { apiFetch } from '../api/client.ts';
import { discoveryRefetch, DISCOVERY_STALE_MS } from './metrics.ts';

/** Most series listed for one host (the API's page ceiling). */
export const HOST_SERIES_LIMIT = 1000;

export const seriesKeys = {
  all: ['series'] as const,
  list: (sel: { name?: string; host?: string; match?: string[] }) => [...seriesKeys.all, 'list', sel] as const,
};

export function seriesListQueryOptions(sel: { name?: string; host?: string; match?: string[] }) {
  return queryOptions({
    queryKey: seriesKeys.list(sel),
    queryFn: ({ signal }) =>
      apiFetch<{ series: SeriesInfoBody[] }>('/series', {
        params: { ...sel, limit: HOST_SERIES_LIMIT },
        signal,
      }).then((r) => r.series),
    staleTime: DISCOVERY_STALE_MS,
    refetchInterval: (query) => discoveryRefetch(query.state.data),
  });
}

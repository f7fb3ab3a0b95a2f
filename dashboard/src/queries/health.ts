/**
 * The API's readiness, polled by the status banner: the banner appears when
 * the API (or its database) is down and disappears by itself when it is back.
 */
import { queryOptions } from '@tanstack/react-query';
import { apiFetch } from '../api/client.ts';

/** Poll interval while the API answers. */
export const HEALTH_POLL_MS = 10_000;
/** Faster poll while it does not, so recovery shows within seconds. */
export const HEALTH_POLL_DOWN_MS = 3_000;
/**
 * A failed check is tried once more after this long before the API counts as down: on a loaded machine one poll
 * can fail ('Failed to fetch') while the API is fine, and the banner would flash for ten seconds.
 */
export const HEALTH_RETRY_MS = 1_000;

export interface ReadyBody {
  status: string;
  checks: Record<string, string>;
}

export const healthKeys = {
  all: ['health'] as const,
  ready: () => [...healthKeys.all, 'ready'] as const,
};

/** GET /readyz; an error means the API or its database is not ready. */
export function readyQueryOptions() {
  return queryOptions({
    queryKey: healthKeys.ready(),
    queryFn: ({ signal }) => apiFetch<ReadyBody>('/readyz', { signal }),
    refetchInterval: (query) => (query.state.status === 'error' ? HEALTH_POLL_DOWN_MS : HEALTH_POLL_MS),
    refetchIntervalInBackground: false,
    retry: 1,
    retryDelay: HEALTH_RETRY_MS,
    staleTime: 0,
  });
}

/**
 * Queries and mutations of alerts and silences. Mutations invalidate by key
 * prefix so every list, count and detail refreshes.
 */
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../api/client.ts';
import type {
  AlertDetailBody,
  AlertListBody,
  AlertSeverity,
  AlertState,
  SilenceBody,
  SilenceMatcher,
} from '../api/analysis-types.ts';

/** Alerts change with every anomaly pass; lists refresh this often. */
export const ALERTS_REFETCH_MS = 15_000;
/** Rows per page of the alerts table. */
export const ALERTS_PAGE_SIZE = 50;

export interface AlertFilters {
  state?: AlertState | 'active' | 'all';
  severity?: AlertSeverity;
  monitor?: string;
  host?: string;
  from?: number;
  to?: number;
  limit?: number;
  offset?: number;
}

export const alertKeys = {
  all: ['alerts'] as const,
  lists: () => [...alertKeys.all, 'list'] as const,
  list: (filters: AlertFilters) => [...alertKeys.lists(), filters] as const,
  details: () => [...alertKeys.all, 'detail'] as const,
  detail: (id: number) => [...alertKeys.details(), id] as const,
};

export const silenceKeys = {
  all: ['silences'] as const,
  list: () => [...silenceKeys.all, 'list'] as const,
};

/** `state=active` is the API's default (pending + firing); `all` includes resolved history. */
function stateParam(state: AlertFilters['state']): string | undefined {
  if (state === undefined || state === 'active') return undefined;
  return state;
}

export function alertListQueryOptions(filters: AlertFilters) {
  return queryOptions({
    queryKey: alertKeys.list(filters),
    queryFn: ({ signal }) =>
      apiFetch<AlertListBody>('/alerts', {
        params: {
          state: stateParam(filters.state),
          severity: filters.severity,
          monitor: filters.monitor,
          host: filters.host,
          from: filters.from,
          to: filters.to,
          limit: filters.limit ?? ALERTS_PAGE_SIZE,
          offset: filters.offset,
        },
        signal,
      }),
    refetchInterval: ALERTS_REFETCH_MS,
    placeholderData: keepPreviousData,
  });
}

export function alertDetailQueryOptions(id: number) {
  return queryOptions({
    queryKey: alertKeys.detail(id),
    queryFn: ({ signal }) => apiFetch<AlertDetailBody>(`/alerts/${id}`, { signal }),
    refetchInterval: ALERTS_REFETCH_MS,
  });
}

export function silenceListQueryOptions() {
  return queryOptions({
    queryKey: silenceKeys.list(),
    queryFn: ({ signal }) => apiFetch<{ silences: SilenceBody[] }>('/silences', { signal }).then((r) => r.silences),
    refetchInterval: ALERTS_REFETCH_MS,
  });
}

/** Acknowledges an alert; refreshes every alert query. */
export function useAcknowledgeAlert() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: number; by: string; comment: string }) =>
      apiFetch<AlertDetailBody>(`/alerts/${input.id}/ack`, {
        method: 'POST',
        body: { by: input.by, comment: input.comment },
      }),
    onSettled: () => client.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export interface NewSilence {
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
}

/** Creates a silence; refreshes silences and alerts (their `silencedBy`). */
export function useCreateSilence() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (silence: NewSilence) => apiFetch<SilenceBody>('/silences', { method: 'POST', body: silence }),
    onSettled: async () => {
      await Promise.all([
        client.invalidateQueries({ queryKey: silenceKeys.all }),
        client.invalidateQueries({ queryKey: alertKeys.all }),
      ]);
    },
  });
}

/** Expires a silence (the record is kept). */
export function useExpireSilence() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiFetch<unknown>(`/silences/${id}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: silenceKeys.all }),
  });
}

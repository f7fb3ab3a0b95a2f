/**
 * Queries and mutations of alerts and silences (GET /alerts, GET /alerts/:id,
 * POST /alerts/:id/ack, GET/POST /silences, DELETE /silences/:id).
 * Mutations invalidate by key prefix so every list, count and detail refreshes.
 */
import { keepPreviousData, queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { apiFetch } from '../api/client.ts';
import type {
  Alert,
  AlertDetail,
  AlertDetailWire,
  AlertPage,
  AlertSeverity,
  AlertState,
  AlertWire,
  SilenceMatcher,
  SilenceWire,
} from '../api/analysis-types.ts';

/** Alerts change with every anomaly pass; lists refresh this often. */
export const ALERTS_REFETCH_MS = 15_000;
/** Rows per page of the alerts table. */
export const ALERTS_PAGE_SIZE = 50;

export interface AlertFilters {
  /** `active` (pending + firing, the API's default), one state, or `all` (with history) */
  state?: AlertState | 'active' | 'all';
  severity?: AlertSeverity;
  monitor?: string;
  host?: string;
  /** alerts not resolved before this time, as in the URL (`now-6h`, epoch ms): stable query keys */
  from?: string;
  /** alerts started at or before this time (`now`, epoch ms) */
  to?: string;
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

const ms = (iso: string) => Date.parse(iso);
const msOrNull = (iso: string | null) => (iso === null ? null : Date.parse(iso));

/** The wire alert (RFC 3339 times, nested acknowledgement) as the view uses it. */
export function toAlert(w: AlertWire): Alert {
  return {
    id: w.id,
    fingerprint: w.fingerprint,
    kind: w.kind,
    monitor: w.monitor,
    severity: w.severity,
    state: w.state,
    labels: w.labels,
    seriesId: w.seriesId,
    summary: w.summary,
    explanation: w.explanation,
    startedAt: ms(w.startsAt),
    firedAt: msOrNull(w.firedAt),
    resolvedAt: msOrNull(w.resolvedAt),
    lastEvaluatedAt: ms(w.lastEvaluatedAt),
    acknowledgedAt: w.acknowledged ? ms(w.acknowledged.at) : null,
    acknowledgedBy: w.acknowledged?.by ?? null,
    ackComment: w.acknowledged?.comment ?? null,
    silencedBy: w.silencedBy,
  };
}

function stateParams(state: AlertFilters['state']): { state?: string; history?: boolean } {
  if (state === undefined || state === 'active') return {};
  if (state === 'all') return { history: true };
  return { state, history: state === 'resolved' };
}

export function alertListQueryOptions(filters: AlertFilters) {
  return queryOptions({
    queryKey: alertKeys.list(filters),
    queryFn: async ({ signal }): Promise<AlertPage> => {
      const page = await apiFetch<{ alerts: AlertWire[]; total: number; limit: number; offset: number }>('/alerts', {
        params: {
          ...stateParams(filters.state),
          severity: filters.severity,
          monitor: filters.monitor,
          host: filters.host,
          from: filters.from,
          to: filters.to,
          limit: filters.limit ?? ALERTS_PAGE_SIZE,
          offset: filters.offset,
        },
        signal,
      });
      return { ...page, alerts: page.alerts.map(toAlert) };
    },
    refetchInterval: ALERTS_REFETCH_MS,
    placeholderData: keepPreviousData,
  });
}

export function alertDetailQueryOptions(id: number) {
  return queryOptions({
    queryKey: alertKeys.detail(id),
    queryFn: async ({ signal }): Promise<AlertDetail> => {
      const w = await apiFetch<AlertDetailWire>(`/alerts/${id}`, { signal });
      return {
        ...toAlert(w),
        history: w.history.map((e) => ({ time: ms(e.time), event: e.event, message: e.message })),
      };
    },
    refetchInterval: ALERTS_REFETCH_MS,
  });
}

export function silenceListQueryOptions() {
  return queryOptions({
    queryKey: silenceKeys.list(),
    queryFn: ({ signal }) => apiFetch<{ silences: SilenceWire[] }>('/silences', { signal }).then((r) => r.silences),
    refetchInterval: ALERTS_REFETCH_MS,
  });
}

/** Acknowledges an alert; refreshes every alert query. */
export function useAcknowledgeAlert() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (input: { id: number; by: string; comment: string }) =>
      apiFetch<AlertWire>(`/alerts/${input.id}/ack`, {
        method: 'POST',
        body: { by: input.by, ...(input.comment ? { comment: input.comment } : {}) },
      }).then(toAlert),
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
    mutationFn: (s: NewSilence) =>
      apiFetch<SilenceWire>('/silences', {
        method: 'POST',
        body: {
          matchers: s.matchers,
          startsAt: new Date(s.startsAt).toISOString(),
          endsAt: new Date(s.endsAt).toISOString(),
          createdBy: s.createdBy,
          comment: s.comment,
        },
      }),
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

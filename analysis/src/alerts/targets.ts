/**
 * Where a monitor's alerts go, and the snapshot of an alert that travels
 * through the outbox to every notifier.
 */
import type { AlertRecord } from '@hydra/storage';

/** One notification destination of a monitor. */
export type NotifierTarget =
  | { kind: 'alertmanager'; url: string }
  /** `secretRef` names the HMAC secret (resolved by the dispatcher when it sends), never the secret itself. */
  | { kind: 'webhook'; url: string; secretRef?: string };

/** Resolves a monitor's notification targets. */
export type TargetResolver = (monitor: string) => readonly NotifierTarget[];

/**
 * The alert as notifiers see it (also the body of webhooks, under `alert`), and the fields of the API's alert
 * body that it shares (the API adds the series, the last evaluation, the acknowledgement and the silence).
 */
export interface AlertSnapshot extends Pick<
  AlertRecord,
  'id' | 'fingerprint' | 'kind' | 'monitor' | 'severity' | 'state' | 'labels' | 'summary' | 'explanation'
> {
  /** ISO 8601 */
  startsAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The snapshot of a stored alert: the one mapping of its shared fields to the wire. */
export function snapshot(a: AlertRecord): AlertSnapshot {
  return {
    id: a.id,
    fingerprint: a.fingerprint,
    kind: a.kind,
    monitor: a.monitor,
    severity: a.severity,
    state: a.state,
    labels: a.labels,
    summary: a.summary,
    explanation: a.explanation,
    startsAt: new Date(a.startedAt).toISOString(),
    firedAt: iso(a.firedAt),
    resolvedAt: iso(a.resolvedAt),
  };
}

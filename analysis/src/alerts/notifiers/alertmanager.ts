/**
 * Alertmanager's v2 API: `POST /api/v2/alerts` with a list of
 * {labels, annotations, startsAt, endsAt, generatorURL}. A firing alert is
 * sent with endsAt a few resend intervals ahead and re-sent every interval
 * (as Prometheus does), so Alertmanager resolves it by itself if hydra stops;
 * a resolved alert is sent with endsAt = its resolution time.
 */
import type { AlertSnapshot } from '../targets.ts';
import { postJson } from './http.ts';

/** Path of the v2 alerts endpoint under an Alertmanager base URL. */
export const ALERTMANAGER_ALERTS_PATH = '/api/v2/alerts';
/** endsAt of a firing alert = send time + this many resend intervals (Prometheus uses 4). */
export const ENDS_AT_RESEND_INTERVALS = 4;

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/**
 * Alertmanager label names must match [a-zA-Z_][a-zA-Z0-9_]* (0.25): other
 * characters become `_` (`host.name` → `host_name`); `__name__` becomes `metric`.
 */
export function alertmanagerLabelName(name: string): string {
  if (name === '__name__') return 'metric';
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

function annotationValue(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : null;
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  return null;
}

/** The Alertmanager form of an alert snapshot, as sent at `nowMs`. */
export function toAlertmanagerAlert(
  a: AlertSnapshot,
  options: { nowMs: number; resendIntervalMs: number; generatorUrl: string },
): AlertmanagerAlert {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.labels)) if (v !== '') labels[alertmanagerLabelName(k)] = v;
  labels.severity = a.severity;
  const annotations: Record<string, string> = {
    summary: a.summary,
    hydra_alert_id: String(a.id),
    fingerprint: a.fingerprint,
  };
  for (const [k, v] of Object.entries(a.explanation)) {
    const text = annotationValue(v);
    if (text !== null) annotations[alertmanagerLabelName(k)] = text;
  }
  const endsAt =
    a.state === 'resolved' && a.resolvedAt
      ? a.resolvedAt
      : new Date(options.nowMs + ENDS_AT_RESEND_INTERVALS * options.resendIntervalMs).toISOString();
  return { labels, annotations, startsAt: a.startsAt, endsAt, generatorURL: options.generatorUrl };
}

/** Sends alerts to the Alertmanager at `baseUrl`; throws DeliveryError when it does not accept them. */
export async function sendToAlertmanager(
  baseUrl: string,
  alerts: readonly AlertmanagerAlert[],
  timeoutMs?: number,
): Promise<void> {
  const url = `${baseUrl.replace(/\/+$/, '')}${ALERTMANAGER_ALERTS_PATH}`;
  await postJson(url, JSON.stringify(alerts), {}, timeoutMs);
}

/**
 * Alertmanager's v2 API: `POST /api/v2/alerts` with a list of
 * {labels, annotations, startsAt, endsAt, generatorURL}. A firing alert is
 * sent with endsAt a few re-send periods ahead and re-sent every period, so
 * Alertmanager resolves it by itself if hydra stops renewing it. As
 * Prometheus (4 × max(resend delay, evaluation interval)), the period is the
 * longer of the dispatcher's re-send interval and the time between two runs
 * of the job that evaluates the alert: a CronJob that runs every 5 minutes
 * (or hourly, for forecasts) renews its alerts only when it runs. A resolved
 * alert is sent with endsAt = its resolution time. generatorURL links to the
 * alert in hydra's dashboard (HYDRA_EXTERNAL_URL).
 */
import type { AlertSnapshot } from '../targets.ts';
import { postJson } from './http.ts';

/** Path of the v2 alerts endpoint under an Alertmanager base URL. */
export const ALERTMANAGER_ALERTS_PATH = '/api/v2/alerts';
/** endsAt of a firing alert = send time + this many re-send periods (Prometheus uses 4). */
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
  options: {
    nowMs: number;
    resendIntervalMs: number;
    /** time between two runs of the job that evaluates the alert (its monitor's schedule), when known */
    evaluationIntervalMs?: number;
    generatorUrl: string;
  },
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
  const periodMs = Math.max(options.resendIntervalMs, options.evaluationIntervalMs ?? 0);
  const endsAt =
    a.state === 'resolved' && a.resolvedAt
      ? a.resolvedAt
      : new Date(options.nowMs + ENDS_AT_RESEND_INTERVALS * periodMs).toISOString();
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

/**
 * Response bodies of the alerting, analytics and forecasting routes. The
 * metrics routes' types come from @hydra/api's exported schemas; these
 * routes were being built while the dashboard was written, so their bodies
 * are declared here, once, from the documented contract (docs/alerts.md and
 * the storage records the routes serialise). Replace each with the schema
 * type from @hydra/api when it is exported.
 */

export type AlertState = 'pending' | 'firing' | 'resolved';
export type AlertSeverity = 'info' | 'warning' | 'critical';

export const ALERT_STATES: readonly AlertState[] = ['firing', 'pending', 'resolved'];
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['critical', 'warning', 'info'];

/** One alert episode (docs/alerts.md, "The model"). */
export interface AlertBody {
  id: number;
  fingerprint: string;
  kind: string;
  monitor: string;
  severity: AlertSeverity;
  state: AlertState;
  labels: Record<string, string>;
  seriesId: number | null;
  summary: string;
  explanation: Record<string, unknown>;
  startedAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  lastEvaluatedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackComment: string | null;
  silencedBy: number | null;
}

export interface AlertEventBody {
  id: number;
  time: number;
  event: string;
  message: string;
  details: Record<string, unknown>;
}

export interface AlertListBody {
  alerts: AlertBody[];
  total?: number;
  limit: number;
  offset: number;
}

export interface AlertDetailBody extends AlertBody {
  events?: AlertEventBody[];
}

export interface SilenceMatcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface SilenceBody {
  id: number;
  matchers: SilenceMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
  expiredAt: number | null;
}

/** Scored points of one series over a range: observed value, expected value and band, score in [0, 1]. */
export interface AnomalySeriesBody {
  seriesId: number;
  metric: string;
  labels: Record<string, string>;
  monitor?: string;
  points: { time: number; value: number | null; score: number; expected: number; lower: number; upper: number }[];
}

export interface AnomaliesBody {
  series: AnomalySeriesBody[];
}

/** A forecast of one series: mean and interval per future step, the model, and threshold crossings. */
export interface PredictionBody {
  seriesId: number;
  metric: string;
  labels: Record<string, string>;
  model: string;
  fitQuality?: Record<string, number>;
  points: { time: number; mean: number; lower: number; upper: number }[];
  thresholds?: { value: number; direction: 'above' | 'below'; crossingAt: number | null; severity?: string }[];
}

export interface PredictionsBody {
  predictions: PredictionBody[];
}

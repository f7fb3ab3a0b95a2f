/**
 * Alerts, silences, anomaly scores and forecasts as the dashboard uses them.
 * The wire types come from the API's response schemas (`Static<typeof …>`,
 * imported type-only so no API code reaches the bundle); alerts are turned
 * into a view with epoch-ms times by `toAlert` in queries/alerts.ts.
 */
import type {
  AlertDetailSchema,
  AlertEventSchema,
  AlertSchema,
  AnomalyScorePointSchema,
  PredictionBody,
  PredictionsBody,
  SilenceMatcherSchema,
  SilenceSchema,
  ThresholdAnswerBody,
} from '@hydra/api';
import type { Static } from 'typebox';

export type AlertWire = Static<typeof AlertSchema>;
export type AlertDetailWire = Static<typeof AlertDetailSchema>;
export type AlertEventWire = Static<typeof AlertEventSchema>;
export type SilenceWire = Static<typeof SilenceSchema>;
export type SilenceMatcher = Static<typeof SilenceMatcherSchema>;
export type AnomalyScorePoint = Static<typeof AnomalyScorePointSchema>;
export type { PredictionBody, PredictionsBody, ThresholdAnswerBody };

export type AlertState = 'pending' | 'firing' | 'resolved';
export type AlertSeverity = 'info' | 'warning' | 'critical';

export const ALERT_STATES: readonly AlertState[] = ['firing', 'pending', 'resolved'];
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ['critical', 'warning', 'info'];

/** An alert with its times as epoch ms (the wire carries RFC 3339). */
export interface Alert {
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

export interface AlertEvent {
  time: number;
  event: string;
  message: string;
}

export interface AlertDetail extends Alert {
  history: AlertEvent[];
}

export interface AlertPage {
  alerts: Alert[];
  total: number;
  limit: number;
  offset: number;
}

/** Scores of one series over a range, as GET /analytics/anomalies answers. */
export interface AnomalyScores {
  series: number;
  points: AnomalyScorePoint[];
}

/**
 * Alerts, silences, anomaly scores and forecasts as the dashboard uses them.
 * The wire types come from @hydra/contract's response schemas (`Static<typeof …>`,
 * imported type-only so no schema code reaches the bundle); alerts are turned
 * into a view with epoch-ms times by `toAlert` in queries/alerts.ts.
 */
import type {
  AlertBody,
  AlertDetailBody,
  AlertEventBody,
  MatcherBody,
  MonitorBody,
  PredictionBody,
  PredictionsBody,
  ScorePoint,
  SilenceBody,
  ThresholdAnswerBody,
} from '@hydra/contract';
import type { Static } from 'typebox';

export type AlertWire = Static<typeof AlertBody>;
export type AlertDetailWire = Static<typeof AlertDetailBody>;
export type AlertEventWire = Static<typeof AlertEventBody>;
export type SilenceWire = Static<typeof SilenceBody>;
export type SilenceMatcher = Static<typeof MatcherBody>;
export type AnomalyScorePoint = Static<typeof ScorePoint>;
export type MonitorWire = Static<typeof MonitorBody>;
export type { PredictionBody, PredictionsBody, ThresholdAnswerBody };

export type AlertState = AlertWire['state'];
export type AlertSeverity = AlertWire['severity'];

export const ALERT_STATES: readonly AlertState[] = ['firing', 'pending', 'resolved'];
/** Display rank, most severe first: a Record, so a severity added to @hydra/schema does not compile until ranked. */
const SEVERITY_RANK: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };
export const ALERT_SEVERITIES: readonly AlertSeverity[] = (Object.keys(SEVERITY_RANK) as AlertSeverity[]).sort(
  (a, b) => SEVERITY_RANK[a] - SEVERITY_RANK[b],
);

/** An alert as the wire carries it, with its times as epoch ms (the wire: RFC 3339) and its acknowledgement flat. */
export type Alert = Omit<AlertWire, 'startsAt' | 'firedAt' | 'resolvedAt' | 'lastEvaluatedAt' | 'acknowledged'> & {
  startedAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  lastEvaluatedAt: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackComment: string | null;
};

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

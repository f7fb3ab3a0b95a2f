/** Stored alerts, events and silences as the alert and silence routes answer them (the wire schemas are @hydra/contract's). */
import type { Static } from 'typebox';
import type { AlertBody, AlertEventBody, SilenceBody } from '@hydra/contract';
import type { AlertEvent, AlertRecord, SilenceRecord } from '@hydra/storage';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export function alertBody(a: AlertRecord): Static<typeof AlertBody> {
  return {
    id: a.id,
    fingerprint: a.fingerprint,
    kind: a.kind,
    monitor: a.monitor,
    severity: a.severity,
    state: a.state,
    labels: a.labels,
    seriesId: a.seriesId,
    summary: a.summary,
    explanation: a.explanation,
    startsAt: iso(a.startedAt),
    firedAt: isoOrNull(a.firedAt),
    resolvedAt: isoOrNull(a.resolvedAt),
    lastEvaluatedAt: iso(a.lastEvaluatedAt),
    acknowledged:
      a.acknowledgedAt === null
        ? null
        : { at: iso(a.acknowledgedAt), by: a.acknowledgedBy ?? '', comment: a.ackComment ?? '' },
    silencedBy: a.silencedBy,
  };
}

export function eventBody(e: AlertEvent): Static<typeof AlertEventBody> {
  return { time: iso(e.time), event: e.event, message: e.message, details: e.details };
}

export function silenceBody(s: SilenceRecord, nowMs: number): Static<typeof SilenceBody> {
  return {
    id: s.id,
    matchers: s.matchers,
    startsAt: iso(s.startsAt),
    endsAt: iso(s.endsAt),
    createdBy: s.createdBy,
    comment: s.comment,
    createdAt: iso(s.createdAt),
    expiredAt: isoOrNull(s.expiredAt),
    active: s.startsAt <= nowMs && nowMs < s.endsAt,
  };
}

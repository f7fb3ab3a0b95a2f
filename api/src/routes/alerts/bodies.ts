/** Stored alerts, events and silences as the alert and silence routes answer them (the wire schemas are @hydra/contract's). */
import type { Static } from 'typebox';
import type { AlertBody, AlertEventBody, SilenceBody } from '@hydra/contract';
import { snapshot } from '@hydra/analysis';
import type { AlertEvent, AlertRecord, SilenceRecord } from '@hydra/storage';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

/** A stored alert as the API answers it: the notifiers' snapshot and what only the API shows. */
export function alertBody(a: AlertRecord): Static<typeof AlertBody> {
  return {
    ...snapshot(a),
    seriesId: a.seriesId,
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

/**
 * The alert state machine, pure: one evaluation at a time moves an episode
 * pending → firing → resolved.
 *
 * - `fire` (the condition holds, e.g. score above the fire threshold): opens a
 *   pending episode; a pending one fires once it has held for `forMs`.
 * - `clear` (e.g. score below the lower resolve threshold): ends a pending
 *   episode at once (it did not hold for `forMs`: it never fires); counts
 *   towards resolving a firing one, which resolves after `resolveAfter`
 *   consecutive clears (hysteresis: flapping around one threshold neither
 *   resolves nor re-fires).
 * - `hold` (between the two thresholds): resets the clear count; a pending
 *   episode that has held for `forMs` fires (the incident goes on: detectors
 *   alarm once per incident and hold its later points between the thresholds).
 *
 * An evaluation at or before the episode's last evaluation is ignored, so
 * replaying the same points (a job rerun after a crash) is idempotent.
 */
import type { AlertSeverity, AlertState } from '@hydra/storage';

export type Level = 'fire' | 'hold' | 'clear';

export interface AlertPolicy {
  /** How long the condition must hold before a pending alert fires (Prometheus `for`). */
  forMs: number;
  /** Consecutive `clear` evaluations that resolve an alert. */
  resolveAfter: number;
}

/** What one evaluation says. */
export interface Evaluation {
  time: number;
  level: Level;
  severity: AlertSeverity;
  summary: string;
  explanation: Record<string, unknown>;
}

/** The mutable part of an episode. */
export interface EpisodeState {
  state: AlertState;
  severity: AlertSeverity;
  summary: string;
  explanation: Record<string, unknown>;
  startedAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  lastEvaluatedAt: number;
  clearCount: number;
}

export type Transition = 'pending' | 'firing' | 'resolved';

export interface Step {
  /** null: no episode (nothing open, or a pending one that was cleared away) */
  episode: EpisodeState | null;
  transition: Transition | null;
}

/** Checks a policy; throws a RangeError naming the field. */
export function validatePolicy(policy: AlertPolicy): AlertPolicy {
  if (!Number.isFinite(policy.forMs) || policy.forMs < 0)
    throw new RangeError(`AlertPolicy.forMs: must be a duration ≥ 0 ms, got ${policy.forMs}`);
  if (!Number.isInteger(policy.resolveAfter) || policy.resolveAfter < 1)
    throw new RangeError(`AlertPolicy.resolveAfter: must be an integer ≥ 1, got ${policy.resolveAfter}`);
  return policy;
}

/** Applies one evaluation to an episode (null when none is open). Evaluations must come in time order. */
export function advance(current: EpisodeState | null, e: Evaluation, policy: AlertPolicy): Step {
  if (current === null || current.state === 'resolved') {
    if (e.level !== 'fire') return { episode: null, transition: null };
    const opened: EpisodeState = {
      state: 'pending',
      severity: e.severity,
      summary: e.summary,
      explanation: e.explanation,
      startedAt: e.time,
      firedAt: null,
      resolvedAt: null,
      lastEvaluatedAt: e.time,
      clearCount: 0,
    };
    if (policy.forMs === 0) return { episode: { ...opened, state: 'firing', firedAt: e.time }, transition: 'firing' };
    return { episode: opened, transition: 'pending' };
  }
  // Already applied (a job rerun after a crash replays its points): evaluating again must change nothing.
  if (e.time <= current.lastEvaluatedAt) {
    return { episode: current, transition: null };
  }
  const next: EpisodeState = { ...current, lastEvaluatedAt: e.time };
  if (e.level === 'fire') {
    next.clearCount = 0;
    next.severity = e.severity;
    next.summary = e.summary;
    next.explanation = { ...e.explanation, peakScore: peak(current.explanation, e.explanation) };
    if (current.state === 'pending' && e.time - current.startedAt >= policy.forMs) {
      return { episode: { ...next, state: 'firing', firedAt: e.time }, transition: 'firing' };
    }
    return { episode: next, transition: null };
  }
  if (e.level === 'hold') {
    next.clearCount = 0;
    // Still inside the incident (a detector holds its points between the thresholds after its one alarm).
    if (current.state === 'pending' && e.time - current.startedAt >= policy.forMs) {
      return { episode: { ...next, state: 'firing', firedAt: e.time }, transition: 'firing' };
    }
    return { episode: next, transition: null };
  }
  next.clearCount = current.clearCount + 1;
  // A pending episode whose condition cleared did not hold for `forMs` (Prometheus drops such an alert at once);
  // the hysteresis of `resolveAfter` protects firing alerts from flapping, not blips from being forgotten.
  if (current.state === 'pending' || next.clearCount >= policy.resolveAfter) {
    return { episode: { ...next, state: 'resolved', resolvedAt: e.time }, transition: 'resolved' };
  }
  return { episode: next, transition: null };
}

function peak(before: Record<string, unknown>, now: Record<string, unknown>): number | undefined {
  const scores = [before.peakScore, before.score, now.score].filter((s): s is number => typeof s === 'number');
  return scores.length > 0 ? Math.max(...scores) : undefined;
}

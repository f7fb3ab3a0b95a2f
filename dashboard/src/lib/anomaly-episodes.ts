/**
 * Anomaly episodes from a series' scored points (GET /analytics/anomalies): the
 * one place the dashboard decides what is anomalous and how anomalous points
 * group into incidents. A chart shades one span per episode and marks its peak;
 * the details view counts episodes, not points.
 *
 * The contract read here is the scored point's: `t`, `value`, `score`
 * (0..1, above ANOMALY_SCORE_THRESHOLD is anomalous), `expected`, `lower`, `upper`.
 */

/** A point is anomalous when its score is above this (the detectors' threshold: "above 0.5 is anomalous"). */
export const ANOMALY_SCORE_THRESHOLD = 0.5;
/**
 * Anomalous points at most this many scoring steps apart belong to one episode, so one normal point in
 * the middle of an incident does not split it in two.
 */
export const EPISODE_MERGE_STEPS = 2;

/** A scored point as the API sends it (only the fields read here). */
export interface ScoredPoint {
  t: number;
  value: number | null;
  score: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

export interface AnomalyEpisode {
  /** epoch ms of the first anomalous point */
  from: number;
  /** epoch ms the episode's last anomalous step ends (its point's time plus one scoring step) */
  to: number;
  /** the most anomalous point (highest score; the first one on ties) */
  peak: { t: number; value: number | null; score: number };
  /** anomalous points in the episode */
  points: number;
}

/** True when a scored point is anomalous. */
export function isAnomalous(p: Pick<ScoredPoint, 'score'>): boolean {
  return p.score !== null && p.score > ANOMALY_SCORE_THRESHOLD;
}

/**
 * One point per time, oldest first: several monitors may score the same series, and the most anomalous
 * score at a time wins.
 */
export function scoredTimeline<P extends ScoredPoint>(points: readonly P[]): P[] {
  const byTime = new Map<number, P>();
  for (const p of points) {
    const kept = byTime.get(p.t);
    if (!kept || (p.score ?? -1) > (kept.score ?? -1)) byTime.set(p.t, p);
  }
  return [...byTime.values()].sort((a, b) => a.t - b.t);
}

/** The scoring step of a timeline: the smallest spacing between consecutive points (0 with fewer than two). */
export function scoringStepMs(timeline: readonly Pick<ScoredPoint, 't'>[]): number {
  let step = Infinity;
  for (let i = 1; i < timeline.length; i++) {
    const d = timeline[i]!.t - timeline[i - 1]!.t;
    if (d > 0 && d < step) step = d;
  }
  return Number.isFinite(step) ? step : 0;
}

/**
 * Groups anomalous points into episodes: a new episode starts when an anomalous point is more than
 * EPISODE_MERGE_STEPS scoring steps after the previous anomalous one. O(n log n) for the sort.
 */
export function anomalyEpisodes(points: readonly ScoredPoint[]): AnomalyEpisode[] {
  const timeline = scoredTimeline(points);
  const step = scoringStepMs(timeline);
  const episodes: AnomalyEpisode[] = [];
  let current: AnomalyEpisode | null = null;
  let lastT = -Infinity;
  for (const p of timeline) {
    if (!isAnomalous(p)) continue;
    const score = p.score!;
    if (current && p.t - lastT <= EPISODE_MERGE_STEPS * step) {
      current.to = p.t + step;
      current.points += 1;
      if (score > current.peak.score) current.peak = { t: p.t, value: p.value, score };
    } else {
      current = { from: p.t, to: p.t + step, peak: { t: p.t, value: p.value, score }, points: 1 };
      episodes.push(current);
    }
    lastT = p.t;
  }
  return episodes;
}

import type { LabeledEvent } from './corpus.ts';

/** Alarm points closer than this many points belong to one alarm episode. */
export const EPISODE_MERGE_GAP = 3;
/** An event's detection window extends past its labeled end by this share of its length ... */
export const WINDOW_SLACK_SHARE = 0.1;
/** ... and at least this many points. */
export const WINDOW_SLACK_MIN_POINTS = 12;
/** NAB's standard profile: reward for a detected event, cost of a missed one and of a false alarm episode. */
export const REWARD_TRUE_POSITIVE = 1;
export const COST_FALSE_NEGATIVE = -1;
export const COST_FALSE_POSITIVE = -0.11;

/** Counts for one series (or summed over many). */
export interface Tally {
  events: number;
  detected: number;
  /** Alarm episodes that overlap an event window. */
  truePositiveEpisodes: number;
  falsePositiveEpisodes: number;
  /** Σ NAB rewards and costs, and its perfect and do-nothing values. */
  raw: number;
  perfect: number;
  none: number;
  /** Σ detection delay in points, over detected events. */
  delayPoints: number;
}

/** An empty tally. */
export function emptyTally(): Tally {
  return {
    events: 0,
    detected: 0,
    truePositiveEpisodes: 0,
    falsePositiveEpisodes: 0,
    raw: 0,
    perfect: 0,
    none: 0,
    delayPoints: 0,
  };
}

/**
 * NAB's scaled sigmoid: the reward for a detection at relative position y
 * in the window (y = −1 at its start, 0 at its end).
 * Reference: Lavin & Ahmad, "Evaluating real-time anomaly detection
 * algorithms — the Numenta Anomaly Benchmark", ICMLA 2015, eq. 1.
 */
export function earliness(y: number): number {
  return 2 / (1 + Math.exp(5 * y)) - 1;
}

/** The detection window [start, end) of an event in a series of `n` points. */
export function windowOf(event: LabeledEvent, n: number): [number, number] {
  const length = Math.max(1, event.end - event.start);
  return [
    event.start,
    Math.min(n, event.end + Math.max(WINDOW_SLACK_MIN_POINTS, Math.ceil(WINDOW_SLACK_SHARE * length))),
  ];
}

/**
 * Scores one series: alarm points (score > threshold) are grouped into
 * episodes; an event is detected by the first alarm inside its window and
 * rewarded by how early it came (NAB sigmoid); every episode touching no
 * window is one false positive. Recall is per event, precision per episode,
 * so one long alarm is one mistake, not hundreds.
 */
export function scoreSeries(scores: ArrayLike<number>, events: LabeledEvent[], threshold: number): Tally {
  const n = scores.length;
  const windows = events.map((e) => windowOf(e, n));
  const tally = emptyTally();
  tally.events = events.length;
  tally.none = COST_FALSE_NEGATIVE * events.length;
  tally.perfect = windows.reduce((s, [a, b]) => s + REWARD_TRUE_POSITIVE * earliness(-1 + 1 / Math.max(1, b - a)), 0);
  for (const [a, b] of windows) {
    let first = -1;
    for (let i = a; i < b; i++) {
      if ((scores[i] as number) > threshold) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      tally.raw += COST_FALSE_NEGATIVE;
      continue;
    }
    tally.detected++;
    tally.delayPoints += first - a;
    tally.raw += REWARD_TRUE_POSITIVE * earliness(-1 + (first - a + 1) / (b - a));
  }
  for (const [from, to] of episodes(scores, threshold)) {
    if (windows.some(([a, b]) => from < b && to > a)) tally.truePositiveEpisodes++;
    else {
      tally.falsePositiveEpisodes++;
      tally.raw += COST_FALSE_POSITIVE;
    }
  }
  return tally;
}

/** Adds `b` into `a`. */
export function addTally(a: Tally, b: Tally): void {
  for (const key of Object.keys(a) as (keyof Tally)[]) a[key] += b[key];
}

/** Precision, recall, F1 and the normalised windowed score (0 = detect nothing, 100 = perfect). */
export function summarize(t: Tally): {
  precision: number;
  recall: number;
  f1: number;
  windowed: number;
  meanDelay: number;
} {
  const episodes = t.truePositiveEpisodes + t.falsePositiveEpisodes;
  const precision = episodes === 0 ? 0 : t.truePositiveEpisodes / episodes;
  const recall = t.events === 0 ? 0 : t.detected / t.events;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  const windowed = (100 * (t.raw - t.none)) / (t.perfect - t.none);
  return { precision, recall, f1, windowed, meanDelay: t.detected === 0 ? Number.NaN : t.delayPoints / t.detected };
}

function* episodes(scores: ArrayLike<number>, threshold: number): Generator<[number, number]> {
  let start = -1;
  let lastAlarm = -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (!((scores[i] as number) > threshold)) continue;
    if (i - lastAlarm > EPISODE_MERGE_GAP) {
      if (start >= 0) yield [start, lastAlarm + 1];
      start = i;
    }
    lastAlarm = i;
  }
  if (start >= 0) yield [start, lastAlarm + 1];
}

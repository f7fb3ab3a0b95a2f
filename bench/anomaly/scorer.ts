/**
 * The Numenta Anomaly Benchmark's scoring, standard profile (Lavin & Ahmad,
 * "Evaluating real-time anomaly detection algorithms — the Numenta Anomaly
 * Benchmark", ICMLA 2015; numenta/NAB `nab/scorer.py`, `nab/sweeper.py`):
 *
 * - each labeled anomaly gets a window of 10 % of the series' length divided by
 *   the number of anomalies, centred on it (overlapping windows merge);
 * - the first 15 % of a series is probationary: nothing there is scored;
 * - inside a window only the first detection counts, rewarded by the scaled
 *   sigmoid of its position (−1 at the window's start: most, 0 at its end);
 * - EVERY alarmed point outside a window costs the FP weight (less just after
 *   a window, by the same sigmoid of the distance past it), a window with no
 *   detection costs the FN weight;
 * - one threshold for the whole corpus: the best one is searched;
 * - the sum is normalised so that detecting nothing scores 0 and detecting
 *   every window at its first point with no false positive scores 100.
 */

/** NAB standard profile weights. */
export const WEIGHT_TRUE_POSITIVE = 1;
export const WEIGHT_FALSE_POSITIVE = 0.11;
export const WEIGHT_FALSE_NEGATIVE = 1;
/** Share of a series that is probationary (not scored). */
export const PROBATION_SHARE = 0.15;
/** Share of a series covered by the windows of its anomalies, all together. */
export const WINDOW_SHARE = 0.1;

/** A labeled anomaly: points [start, end) (one point for a point label, a run for a labeled span). */
export interface LabeledSpan {
  start: number;
  end: number;
}

/** A scored series ready for the sweep: windows, probation and scores. */
export interface ScoredSeries {
  name: string;
  /** Group the series belongs to (a domain of the corpus), for per-group scores. */
  group: string;
  scores: ArrayLike<number>;
  windows: [number, number][];
  probation: number;
}

/** NAB's scaled sigmoid of a relative position (−1 … 0 inside a window, > 0 past it). */
export function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

/** The reward of a detection at the start of a window, which normalises TP rewards to ≤ 1. */
const MAX_TP = scaledSigmoid(-1);

/**
 * The windows [start, end] (inclusive indices) of the labeled spans of a
 * series of `n` points: each centred on its span, 10 % of the series over the
 * number of spans long (or the span itself when longer), merged where they
 * overlap, and dropped when they end inside the probationary period.
 */
export function windowsOf(spans: LabeledSpan[], n: number): [number, number][] {
  if (spans.length === 0) return [];
  const length = Math.floor((WINDOW_SHARE * n) / spans.length);
  const probation = probationOf(n);
  const raw = spans
    .map(({ start, end }): [number, number] => {
      const centre = (start + end - 1) / 2;
      const half = Math.max(length, end - start) / 2;
      return [Math.max(0, Math.round(centre - half)), Math.min(n - 1, Math.round(centre + half))];
    })
    .sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const w of raw) {
    const last = merged[merged.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else merged.push([w[0], w[1]]);
  }
  return merged.filter(([, end]) => end >= probation);
}

/** The probationary period of a series of `n` points. */
export function probationOf(n: number): number {
  return Math.floor(PROBATION_SHARE * n);
}

/** Runs of consecutive labeled points (label ≠ 0) as spans. */
export function spansOfLabels(labels: ArrayLike<number>): LabeledSpan[] {
  const spans: LabeledSpan[] = [];
  let start = -1;
  for (let i = 0; i <= labels.length; i++) {
    const on = i < labels.length && (labels[i] as number) !== 0;
    if (on && start < 0) start = i;
    if (!on && start >= 0) {
      spans.push({ start, end: i });
      start = -1;
    }
  }
  return spans;
}

/** What a threshold gives on a set of series. */
export interface ThresholdOutcome {
  threshold: number;
  /** Normalised score, 0 = the null detector, 100 = perfect. */
  score: number;
  raw: number;
  detected: number;
  windows: number;
  /** Alarmed points outside every window (after probation). */
  falsePositivePoints: number;
  /** Points scored (after probation). */
  scoredPoints: number;
}

/** Per-point contributions of a series, independent of the threshold. */
interface Prepared {
  /** For every scored point: its score, its FP cost if alarmed outside a window (0 inside), its window (−1 none). */
  scores: Float64Array;
  fpCost: Float64Array;
  window: Int32Array;
  /** TP reward of a first detection at that point (inside a window). */
  tpReward: Float64Array;
  windows: number;
}

function prepare(s: ScoredSeries): Prepared {
  const n = s.scores.length;
  const from = s.probation;
  const m = Math.max(0, n - from);
  const p: Prepared = {
    scores: new Float64Array(m),
    fpCost: new Float64Array(m),
    window: new Int32Array(m).fill(-1),
    tpReward: new Float64Array(m),
    windows: s.windows.length,
  };
  let w = 0;
  let previousEnd = -1;
  let previousWidth = 0;
  for (let i = from; i < n; i++) {
    const k = i - from;
    const score = s.scores[i] as number;
    p.scores[k] = Number.isNaN(score) ? 0 : score;
    while (w < s.windows.length && (s.windows[w] as [number, number])[1] < i) {
      previousEnd = (s.windows[w] as [number, number])[1];
      previousWidth = previousEnd - (s.windows[w] as [number, number])[0] + 1;
      w++;
    }
    const win = s.windows[w];
    if (win && win[0] <= i && i <= win[1]) {
      const width = win[1] - win[0] + 1;
      const position = -(win[1] - i + 1) / width;
      p.window[k] = w;
      p.tpReward[k] = (WEIGHT_TRUE_POSITIVE * scaledSigmoid(position)) / MAX_TP;
    } else {
      const unweighted =
        previousEnd < 0 ? -1 : scaledSigmoid(Math.abs(i - previousEnd) / Math.max(1, previousWidth - 1));
      p.fpCost[k] = unweighted * WEIGHT_FALSE_POSITIVE;
    }
  }
  return p;
}

/** The normalised score of a raw sum: 0 = detect nothing, 100 = every window at its start, no FP. */
function normalise(raw: number, windows: number): number {
  const none = -WEIGHT_FALSE_NEGATIVE * windows;
  const perfect = WEIGHT_TRUE_POSITIVE * windows;
  return windows === 0 ? Number.NaN : (100 * (raw - none)) / (perfect - none);
}

/**
 * The outcome on `series` of alarming exactly the points with score >
 * `threshold` (the detectors' own rule: {@link ANOMALY_THRESHOLD} is the band
 * edge). O(N).
 */
export function evaluate(series: ScoredSeries[], threshold: number): ThresholdOutcome {
  let raw = 0;
  let detected = 0;
  let windows = 0;
  let falsePositivePoints = 0;
  let scoredPoints = 0;
  for (const p of series.map(prepare)) {
    windows += p.windows;
    scoredPoints += p.scores.length;
    const first = new Int32Array(p.windows).fill(-1);
    for (let k = 0; k < p.scores.length; k++) {
      if (!((p.scores[k] as number) > threshold)) continue;
      const w = p.window[k] as number;
      if (w < 0) {
        raw += p.fpCost[k] as number;
        falsePositivePoints++;
      } else if ((first[w] as number) < 0) first[w] = k;
    }
    for (const k of first) {
      if (k < 0) raw -= WEIGHT_FALSE_NEGATIVE;
      else {
        raw += p.tpReward[k] as number;
        detected++;
      }
    }
  }
  return { threshold, score: normalise(raw, windows), raw, detected, windows, falsePositivePoints, scoredPoints };
}

/**
 * The best single threshold for all of `series` together (alarm = score ≥
 * threshold, every distinct score tried, as NAB's sweeper does). O(N log N)
 * in the number of scored points.
 */
export function bestThreshold(series: ScoredSeries[]): ThresholdOutcome {
  const prepared = series.map(prepare);
  const windows = prepared.reduce((s, p) => s + p.windows, 0);
  const scoredPoints = prepared.reduce((s, p) => s + p.scores.length, 0);
  const seriesOf = new Int32Array(scoredPoints);
  const indexOf = new Int32Array(scoredPoints);
  const scoreAt = new Float64Array(scoredPoints);
  let at = 0;
  prepared.forEach((p, j) => {
    for (let k = 0; k < p.scores.length; k++) {
      seriesOf[at] = j;
      indexOf[at] = k;
      scoreAt[at++] = p.scores[k] as number;
    }
  });
  const order = new Uint32Array(scoredPoints)
    .map((_, i) => i)
    .sort((a, b) => (scoreAt[b] as number) - (scoreAt[a] as number));
  const firstHit = prepared.map((p) => new Int32Array(p.windows).fill(-1));
  let raw = -WEIGHT_FALSE_NEGATIVE * windows;
  let detected = 0;
  let falsePositivePoints = 0;
  let best: ThresholdOutcome = {
    threshold: Infinity,
    score: normalise(raw, windows),
    raw,
    detected,
    windows,
    falsePositivePoints,
    scoredPoints,
  };
  for (let i = 0; i < order.length;) {
    const threshold = scoreAt[order[i] as number] as number;
    if (!(threshold > 0)) break; // a zero score never alarms
    for (; i < order.length && scoreAt[order[i] as number] === threshold; i++) {
      const j = seriesOf[order[i] as number] as number;
      const k = indexOf[order[i] as number] as number;
      const p = prepared[j] as Prepared;
      const w = p.window[k] as number;
      if (w < 0) {
        raw += p.fpCost[k] as number;
        falsePositivePoints++;
        continue;
      }
      const hits = firstHit[j] as Int32Array;
      const previous = hits[w] as number;
      if (previous < 0) {
        raw += WEIGHT_FALSE_NEGATIVE + (p.tpReward[k] as number);
        detected++;
        hits[w] = k;
      } else if (k < previous) {
        raw += (p.tpReward[k] as number) - (p.tpReward[previous] as number);
        hits[w] = k;
      }
    }
    if (raw > best.raw)
      best = { threshold, score: normalise(raw, windows), raw, detected, windows, falsePositivePoints, scoredPoints };
  }
  return best;
}

/** Alarm episodes (runs of alarmed points, gaps of up to `mergeGap` points joined) after probation. */
export function alarmEpisodes(scores: ArrayLike<number>, threshold: number, from: number, mergeGap = 3): number {
  let episodes = 0;
  let last = -Infinity;
  for (let i = from; i < scores.length; i++) {
    if (!((scores[i] as number) > threshold)) continue;
    if (i - last > mergeGap) episodes++;
    last = i;
  }
  return episodes;
}

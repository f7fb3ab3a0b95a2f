import { PROFILES, type Profile } from './profiles.ts';
import { SeededRandom } from './random.ts';

/** Seed of the whole corpus. */
export const CORPUS_SEED = 20_261_126;
/** Events planted per series. */
export const EVENTS_PER_SERIES = 2;
/** Events start between these fractions of the series (after warm-up, before the end). */
export const EVENT_REGION = [0.3, 0.92] as const;
/** Share of points dropped at random (gaps), and the length of one long outage per series. */
export const DROP_SHARE = 0.005;
export const OUTAGE_POINTS = 30;
/** Timestamp jitter, as a fraction of the interval, for the profiles that have it. */
export const JITTER = 0.05;
/** Series start (Monday 2026-01-05 00:00 UTC). */
export const CORPUS_START_MS = Date.UTC(2026, 0, 5);

/** The kinds of planted events. */
export const EVENT_KINDS = [
  'spike',
  'dip',
  'level-shift',
  'trend-change',
  'variance-change',
  'seasonal-break',
  'slow-leak',
] as const;
export type EventKind = (typeof EVENT_KINDS)[number];

/** A labeled event: points [start, end) of the series are anomalous. */
export interface LabeledEvent {
  kind: EventKind;
  start: number;
  end: number;
}

/** One series of the corpus with its labels. */
export interface LabeledSeries {
  name: string;
  profile: string;
  timestamps: Float64Array;
  values: Float64Array;
  events: LabeledEvent[];
}

interface Planted {
  kind: EventKind;
  start: number;
  /** Points labeled anomalous from the start. */
  span: number;
}

/** Generates the whole labeled corpus, deterministically. */
export function generateCorpus(seed = CORPUS_SEED): LabeledSeries[] {
  const random = new SeededRandom(seed);
  const corpus: LabeledSeries[] = [];
  for (const profile of PROFILES) {
    corpus.push(generateSeries(profile, undefined, random));
    for (const kind of EVENT_KINDS) {
      if (kind === 'seasonal-break' && !profile.seasonal) continue;
      corpus.push(generateSeries(profile, kind, random));
    }
  }
  return corpus;
}

function spanOf(kind: EventKind, profile: Profile, random: SeededRandom): number {
  const day = Math.round(86_400_000 / profile.intervalMs);
  switch (kind) {
    case 'spike':
    case 'dip':
      return 1 + Math.floor(random.uniform() * 3);
    case 'level-shift':
      return 100;
    case 'trend-change':
      return 200;
    case 'variance-change':
      return 300;
    case 'seasonal-break':
      return Math.min(day, Math.floor(profile.points / 8));
    case 'slow-leak':
      return Math.min(1000, Math.floor(profile.points / 8));
  }
}

function generateSeries(profile: Profile, kind: EventKind | undefined, random: SeededRandom): LabeledSeries {
  const n = profile.points;
  const planted: Planted[] = [];
  if (kind) {
    const span = spanOf(kind, profile, random);
    const [from, to] = EVENT_REGION;
    const room = Math.floor(((to - from) * n) / EVENTS_PER_SERIES);
    for (let e = 0; e < EVENTS_PER_SERIES; e++) {
      const slack = Math.max(1, room - span - 50);
      planted.push({ kind, start: Math.floor(from * n) + e * room + Math.floor(random.uniform() * slack), span });
    }
  }
  const offset = new Float64Array(n);
  const noiseFactor = new Float64Array(n).fill(1);
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) mean[i] = profile.shape(i * profile.intervalMs);
  for (const p of planted) plant(p, profile, mean, offset, noiseFactor, random);
  const jitter = profile.intervalMs <= 60_000 ? JITTER : 0;
  const outageAt = Math.floor(random.between(0.1, 0.95) * n);
  const keep: number[] = [];
  const timestamps: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < n; i++) {
    const inOutage = i >= outageAt && i < outageAt + OUTAGE_POINTS;
    const value = profile.draw((mean[i] as number) + (offset[i] as number), random, noiseFactor[i] as number);
    const t = CORPUS_START_MS + i * profile.intervalMs + jitter * profile.intervalMs * (random.uniform() - 0.5);
    if (inOutage || random.uniform() < DROP_SHARE) continue;
    keep.push(i);
    timestamps.push(Math.round(t));
    values.push(value);
  }
  const events = planted.map((p) => ({
    kind: p.kind,
    start: firstKeptAtOrAfter(keep, p.start),
    end: firstKeptAtOrAfter(keep, p.start + p.span),
  }));
  return {
    name: `${profile.name}/${kind ?? 'clean'}`,
    profile: profile.name,
    timestamps: Float64Array.from(timestamps),
    values: Float64Array.from(values),
    events,
  };
}

function firstKeptAtOrAfter(keep: number[], original: number): number {
  let lo = 0;
  let hi = keep.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keep[mid] as number) < original) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function plant(
  p: Planted,
  profile: Profile,
  mean: Float64Array,
  offset: Float64Array,
  noiseFactor: Float64Array,
  random: SeededRandom,
): void {
  const n = mean.length;
  const sigma = profile.noise;
  const end = Math.min(n, p.start + p.span);
  switch (p.kind) {
    case 'spike':
    case 'dip': {
      const magnitude = random.between(6, 10) * sigma * (p.kind === 'spike' ? 1 : -1);
      for (let i = p.start; i < end; i++) offset[i] = (offset[i] as number) + magnitude;
      return;
    }
    case 'level-shift': {
      const magnitude = random.between(3, 6) * sigma * (random.uniform() < 0.5 ? -1 : 1);
      for (let i = p.start; i < n; i++) offset[i] = (offset[i] as number) + magnitude;
      return;
    }
    case 'trend-change': {
      // The slope changes for twice the labeled span, then the series stays at its new level.
      const slope = (random.between(3, 5) * sigma) / 100;
      for (let i = p.start; i < n; i++) offset[i] = (offset[i] as number) + slope * Math.min(i - p.start, 2 * p.span);
      return;
    }
    case 'variance-change':
      for (let i = p.start; i < end; i++) noiseFactor[i] = 4;
      return;
    case 'seasonal-break': {
      // The daily cycle stops for a day: the series stays at its daily mean.
      const day = Math.round(86_400_000 / profile.intervalMs);
      for (let i = p.start; i < end; i++) {
        let dayMean = 0;
        const dayStart = i - (i % day);
        for (let j = 0; j < day; j += Math.max(1, Math.floor(day / 48)))
          dayMean += profile.shape((dayStart + j) * profile.intervalMs);
        mean[i] = dayMean / Math.ceil(day / Math.max(1, Math.floor(day / 48)));
      }
      return;
    }
    case 'slow-leak': {
      const magnitude = random.between(6, 10) * sigma;
      for (let i = p.start; i < end; i++)
        offset[i] = (offset[i] as number) + (magnitude * (i - p.start)) / (end - p.start);
      return;
    }
  }
}

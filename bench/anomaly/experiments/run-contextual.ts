/**
 * Experiment (not a shipped detector): the contextual anomaly detector (CAD OSE, contextual.ts) alone and combined
 * with the default detector, on both corpora of bench/anomaly, scored as run.ts scores. Results and what they
 * decided are in bench/anomaly/README.md ("Tried and not adopted").
 *
 *   npx tsx bench/anomaly/experiments/run-contextual.ts [--real-corpus DIR]
 *
 * Variants: the method as published on NAB (range from 15 % of each series — NAB hands detectors the whole file's
 * range —, rest period = that probation / 5), and the streaming form a live series allows (range from the first
 * CONTEXT_RANGE_POINTS values, fixed rest period); each alone and as max/mean with the default detector's score.
 */
import { resolve } from 'node:path';
import { DEFAULT_DETECTOR, detect, getDetector } from '@hydra/analytics';
import { generateCorpus } from '../corpus.ts';
import { DEFAULT_REAL_CORPUS, loadRealCorpus } from '../real-corpus.ts';
import {
  alarmEpisodes,
  bestThreshold,
  evaluate,
  probationOf,
  windowsOf,
  type LabeledSpan,
  type ScoredSeries,
} from '../scorer.ts';
import { ContextualCore, ContextualStream } from './contextual.ts';

interface Series {
  name: string;
  timestamps: Float64Array;
  values: Float64Array;
  spans: LabeledSpan[];
}
type Scores = (s: Series) => Float64Array;

const args = process.argv.slice(2);
const dirAt = args.indexOf('--real-corpus');
const realDir =
  dirAt >= 0
    ? resolve(args[dirAt + 1] ?? '')
    : resolve(new URL('../../../', import.meta.url).pathname, DEFAULT_REAL_CORPUS);
const corpora: Record<string, Series[]> = {
  real: loadRealCorpus(realDir),
  synthetic: generateCorpus().map((s) => ({ ...s, spans: s.events.map((e) => ({ start: e.start, end: e.end })) })),
};

function cached(f: Scores): Scores {
  const memo = new Map<Series, Float64Array>();
  return (s) => memo.get(s) ?? (memo.set(s, f(s)).get(s) as Float64Array);
}

/** CAD as published on NAB: range of the probationary 15 %, rest period = probation / 5. */
const published = cached((s) => {
  const probation = probationOf(s.values.length);
  let min = Infinity;
  let max = -Infinity;
  for (const v of s.values.subarray(0, probation)) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const core = new ContextualCore(min, max, probation / 5);
  return s.values.map((v) => (Number.isNaN(v) ? 0 : core.push(v).score));
});
/** The streaming form: range from the first CONTEXT_RANGE_POINTS values, fixed rest period. */
const streaming = cached((s) => {
  const stream = new ContextualStream();
  return s.values.map((v) => stream.push(v));
});
const baseline = cached((s) => detect(getDetector(DEFAULT_DETECTOR), s).score);
const combined =
  (a: Scores, b: Scores, f: (x: number, y: number) => number): Scores =>
  (s) => {
    const y = b(s);
    return a(s).map((x, i) => f(x, y[i] as number));
  };

const variants: Record<string, Scores> = {
  [DEFAULT_DETECTOR]: baseline,
  'cad (published form)': published,
  [`max(${DEFAULT_DETECTOR}, cad published)`]: combined(baseline, published, Math.max),
  [`mean(${DEFAULT_DETECTOR}, cad published)`]: combined(baseline, published, (x, y) => (x + y) / 2),
  'cad (streaming form)': streaming,
  [`max(${DEFAULT_DETECTOR}, cad streaming)`]: combined(baseline, streaming, Math.max),
};

for (const [name, scores] of Object.entries(variants)) {
  const parts: string[] = [];
  for (const [corpus, series] of Object.entries(corpora)) {
    const scored: ScoredSeries[] = [];
    let episodes = 0;
    let weeks = 0;
    const started = process.cpuUsage();
    for (const s of series) {
      const n = s.values.length;
      const probation = probationOf(n);
      const score = scores(s);
      scored.push({ name: s.name, group: corpus, scores: score, windows: windowsOf(s.spans, n), probation });
      if (s.spans.length === 0 && n > probation) {
        episodes += alarmEpisodes(score, 0.5, probation);
        weeks += ((s.timestamps[n - 1] as number) - (s.timestamps[probation] as number)) / (7 * 86_400_000);
      }
    }
    const cpu = process.cpuUsage(started);
    const best = bestThreshold(scored);
    const atHalf = evaluate(scored, 0.5);
    parts.push(
      `${corpus} ${best.score.toFixed(1)} (thr ${best.threshold.toFixed(3)}, at 0.5 ${atHalf.score.toFixed(1)}, ` +
        `${(episodes / weeks).toFixed(2)} ep/unlabeled series/week, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} CPU-s)`,
    );
  }
  console.log(`${name}: ${parts.join('; ')}`);
}

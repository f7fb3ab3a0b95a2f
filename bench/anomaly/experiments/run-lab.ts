/**
 * Experiment runner: variants of the default detector (lab-ensemble.ts) on both corpora, scored as run.ts scores,
 * one line per variant (best threshold, at 0.5, FP points, unlabeled alarm episodes per series per week, speed).
 *
 *   npx tsx bench/anomaly/experiments/run-lab.ts base tailCap=2 combine=lik,likHistory=8640 @zscore
 *
 * `base` = the knobs' defaults (the shipped ensemble), `key=value,…` = those knobs changed (see Knobs),
 * `@name` = a registered detector. LAB_VERBOSE=1 prints per-series outcomes on the real corpus, =syn on the
 * synthetic one. The variants measured on 2026-12-07 and what they decided: docs/anomaly-detection.md.
 */
import { resolve } from 'node:path';
import { detect, getDetector, type Detector } from '@hydra/analytics';
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
import { labEnsemble, type Knobs } from './lab-ensemble.ts';

interface Series {
  name: string;
  timestamps: Float64Array;
  values: Float64Array;
  spans: LabeledSpan[];
}
const realDir = resolve(new URL('../../../', import.meta.url).pathname, DEFAULT_REAL_CORPUS);
const corpora: Record<string, Series[]> = {
  real: loadRealCorpus(realDir),
  synthetic: generateCorpus().map((s) => ({ ...s, spans: s.events.map((e) => ({ start: e.start, end: e.end })) })),
};

const args = process.argv.slice(2);
const verbose = process.env.LAB_VERBOSE === '1';
const detectors: Detector[] = [];
for (const a of args) {
  if (a.startsWith('@')) detectors.push(getDetector(a.slice(1)));
  else if (a.includes('=') || a === 'base') {
    const knobs: Record<string, unknown> = {};
    if (a !== 'base')
      for (const kv of a.split(',')) {
        const [key, v] = kv.split('=') as [string, string];
        knobs[key] = Number.isNaN(Number(v)) ? v : Number(v);
      }
    detectors.push(labEnsemble(a, knobs as Partial<Knobs>));
  }
}

for (const d of detectors) {
  const parts: string[] = [];
  for (const [corpus, series] of Object.entries(corpora)) {
    const scored: ScoredSeries[] = [];
    let episodes = 0;
    let weeks = 0;
    let cpu = 0;
    let points = 0;
    for (const s of series) {
      const n = s.values.length;
      const probation = probationOf(n);
      const started = process.cpuUsage();
      const score = detect(d, s).score;
      const used = process.cpuUsage(started);
      cpu += (used.user + used.system) / 1e6;
      points += n;
      scored.push({ name: s.name, group: corpus, scores: score, windows: windowsOf(s.spans, n), probation });
      if (s.spans.length === 0 && n > probation) {
        const e = alarmEpisodes(score, 0.5, probation);
        episodes += e;
        weeks += ((s.timestamps[n - 1] as number) - (s.timestamps[probation] as number)) / (7 * 86_400_000);
        if (verbose && corpus === 'real') console.log(`  unlabeled ${s.name}: ${e} episodes`);
      }
    }
    const best = bestThreshold(scored);
    const atHalf = evaluate(scored, 0.5);
    if ((verbose && corpus === 'real') || (process.env.LAB_VERBOSE === 'syn' && corpus === 'synthetic')) {
      for (const s of scored) {
        const b = evaluate([s], best.threshold - 1e-12);
        const h = evaluate([s], 0.5);
        console.log(
          `  ${s.name}: best ${b.detected}/${b.windows} fp ${b.falsePositivePoints} raw ${b.raw.toFixed(2)} | 0.5 ${h.detected}/${h.windows} fp ${h.falsePositivePoints}`,
        );
      }
    }
    parts.push(
      `${corpus} ${best.score.toFixed(1)} (t ${best.threshold.toFixed(3)} ${best.detected}/${best.windows} fp ${best.falsePositivePoints}; @.5 ${atHalf.score.toFixed(1)} ${atHalf.detected}/${atHalf.windows} fp ${atHalf.falsePositivePoints}` +
        (corpus === 'real' ? ` ${(episodes / weeks).toFixed(2)} ep/w` : '') +
        `, ${Math.round(points / cpu / 1000)}k pt/s)`,
    );
  }
  console.log(`${d.name}: ${parts.join(' | ')}`);
}

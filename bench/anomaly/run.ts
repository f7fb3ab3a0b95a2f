/**
 * bench/anomaly: scores every detector, at its default options, on two
 * corpora with NAB's standard-profile scorer (scorer.ts): the seeded
 * synthetic corpus (corpus.ts) and a real labeled one, Microsoft's Cloud
 * Monitoring Dataset (real-corpus.ts). Writes results.json, results.md and
 * the "Anomaly detection" section of bench/README.md.
 *
 *   npx tsx bench/anomaly/run.ts                          # every detector, writes the results
 *   npx tsx bench/anomaly/run.ts zscore ensemble          # only these, prints and writes nothing
 *   npx tsx bench/anomaly/run.ts --real-corpus DIR        # the real corpus from DIR
 *                                                         # (default ../shared/data/cloud-monitoring-dataset)
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { ANOMALY_THRESHOLD, DEFAULT_DETECTOR, DETECTORS, detect, type Detector } from '@hydra/analytics';
import { generateCorpus } from './corpus.ts';
import { DEFAULT_REAL_CORPUS, loadRealCorpus } from './real-corpus.ts';
import {
  alarmEpisodes,
  bestThreshold,
  evaluate,
  probationOf,
  windowsOf,
  type LabeledSpan,
  type ScoredSeries,
  type ThresholdOutcome,
} from './scorer.ts';

/** The detector everything is compared with. */
const BASELINE = 'zscore';
const HERE = new URL('.', import.meta.url);
const ROOT = new URL('../../', import.meta.url);
const README = new URL('../README.md', import.meta.url);
const SECTION = '## Anomaly detection';
const WEEK_MS = 7 * 86_400_000;

/** A series to score: values, labeled spans, the group it reports under. */
interface BenchSeries {
  name: string;
  group: string;
  timestamps: Float64Array;
  values: Float64Array;
  spans: LabeledSpan[];
}

/** One detector on one corpus. */
interface CorpusResult {
  best: ThresholdOutcome;
  atDefault: ThresholdOutcome;
  /** Alarmed points outside windows per 1,000 scored points, at the default threshold. */
  fpPer1000: number;
  /** Normalised score per group at the corpus-wide best threshold (NaN for a group without labels). */
  byGroup: Record<string, { best: number; atDefault: number; fpPer1000: number }>;
  /** Alarm episodes per unlabeled series per week of data, at the default threshold. */
  unlabeledEpisodesPerWeek: number;
  /** Points scored per second of CPU time (one thread). */
  pointsPerSecond: number;
}

interface DetectorResult {
  detector: string;
  synthetic: CorpusResult;
  real: CorpusResult;
}

function parseArgs(argv: string[]): { only: string[]; realCorpus: string } {
  const only: string[] = [];
  let realCorpus = resolve(new URL('.', ROOT).pathname, DEFAULT_REAL_CORPUS);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--real-corpus') {
      const dir = argv[++i];
      if (!dir) throw new Error('--real-corpus needs a directory');
      realCorpus = resolve(dir);
    } else if (arg.startsWith('--')) throw new Error(`unknown option ${arg}`);
    else only.push(arg);
  }
  return { only, realCorpus };
}

function scoreCorpus(detector: Detector, corpus: BenchSeries[]): CorpusResult {
  const scored: ScoredSeries[] = [];
  let elapsed = 0;
  let points = 0;
  let unlabeledEpisodes = 0;
  let unlabeledWeeks = 0;
  for (const series of corpus) {
    // CPU time of this thread, not wall time: the machine may be shared, one core is what is measured.
    const started = process.cpuUsage();
    const { score } = detect(detector, series);
    const used = process.cpuUsage(started);
    elapsed += (used.user + used.system) / 1000;
    points += series.values.length;
    const n = series.values.length;
    const probation = probationOf(n);
    scored.push({
      name: series.name,
      group: series.group,
      scores: score,
      windows: windowsOf(series.spans, n),
      probation,
    });
    if (series.spans.length === 0 && n > probation) {
      unlabeledEpisodes += alarmEpisodes(score, ANOMALY_THRESHOLD, probation);
      unlabeledWeeks += ((series.timestamps[n - 1] as number) - (series.timestamps[probation] as number)) / WEEK_MS;
    }
  }
  const best = bestThreshold(scored);
  const atDefault = evaluate(scored, ANOMALY_THRESHOLD);
  const byGroup: CorpusResult['byGroup'] = {};
  for (const group of [...new Set(scored.map((s) => s.group))]) {
    const members = scored.filter((s) => s.group === group);
    const atBest = evaluate(members, best.threshold - Number.EPSILON * Math.max(1, best.threshold));
    const atZero = evaluate(members, ANOMALY_THRESHOLD);
    byGroup[group] = {
      best: atBest.score,
      atDefault: atZero.score,
      fpPer1000: (1000 * atZero.falsePositivePoints) / Math.max(1, atZero.scoredPoints),
    };
  }
  return {
    best,
    atDefault,
    fpPer1000: (1000 * atDefault.falsePositivePoints) / Math.max(1, atDefault.scoredPoints),
    byGroup,
    unlabeledEpisodesPerWeek: unlabeledWeeks > 0 ? unlabeledEpisodes / unlabeledWeeks : Number.NaN,
    pointsPerSecond: points / (elapsed / 1000),
  };
}

async function main(): Promise<void> {
  const { only, realCorpus } = parseArgs(process.argv.slice(2));
  const real: BenchSeries[] = loadRealCorpus(realCorpus).map((s) => ({ ...s, group: s.domain }));
  const synthetic: BenchSeries[] = generateCorpus().map((s) => ({
    name: s.name,
    group: s.profile,
    timestamps: s.timestamps,
    values: s.values,
    spans: s.events.map((e) => ({ start: e.start, end: e.end })),
  }));
  const results: DetectorResult[] = [];
  for (const detector of Object.values(DETECTORS)) {
    if (only.length > 0 && !only.includes(detector.name)) continue;
    const r = {
      detector: detector.name,
      synthetic: scoreCorpus(detector, synthetic),
      real: scoreCorpus(detector, real),
    };
    results.push(r);
    console.log(
      `${detector.name}: real ${r.real.best.score.toFixed(1)} [thr ${r.real.best.threshold.toFixed(3)} ${r.real.best.detected}/${r.real.best.windows} fp ${r.real.best.falsePositivePoints}; syn thr ${r.synthetic.best.threshold.toFixed(3)} ${r.synthetic.best.detected}/${r.synthetic.best.windows} fp ${r.synthetic.best.falsePositivePoints}] (at 0.5: ${r.real.atDefault.score.toFixed(1)}, ` +
        `${r.real.fpPer1000.toFixed(2)} FP/1k, ${r.real.unlabeledEpisodesPerWeek.toFixed(2)} ep/series/week), ` +
        `synthetic ${r.synthetic.best.score.toFixed(1)} (at 0.5: ${r.synthetic.atDefault.score.toFixed(1)}), ` +
        `${Math.round(r.real.pointsPerSecond)} points/s`,
    );
  }
  if (only.length > 0) return;
  const summary = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpuModel()}, ${cpus().length} cores, Node ${process.versions.node}`,
    synthetic: corpusSummary(synthetic),
    real: { ...corpusSummary(real), source: 'Microsoft Cloud Monitoring Dataset' },
    threshold: ANOMALY_THRESHOLD,
    baseline: BASELINE,
    default: DEFAULT_DETECTOR,
    results,
  };
  writeFileSync(new URL('results.json', HERE), `${JSON.stringify(summary, null, 2)}\n`);
  const markdown = await prettyMarkdown(renderMarkdown(summary, [...new Set(real.map((s) => s.group))]));
  writeFileSync(new URL('results.md', HERE), markdown);
  updateReadme(markdown);
  console.log(markdown);
}

function corpusSummary(corpus: BenchSeries[]) {
  return {
    series: corpus.length,
    unlabeledSeries: corpus.filter((s) => s.spans.length === 0).length,
    labeledSpans: corpus.reduce((s, c) => s + c.spans.length, 0),
    windows: corpus.reduce((s, c) => s + windowsOf(c.spans, c.values.length).length, 0),
    points: corpus.reduce((s, c) => s + c.values.length, 0),
  };
}

function renderMarkdown(
  s: {
    date: string;
    machine: string;
    synthetic: ReturnType<typeof corpusSummary>;
    real: ReturnType<typeof corpusSummary>;
    results: DetectorResult[];
  },
  domains: string[],
): string {
  const f1 = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(1));
  const f2 = (x: number) => (Number.isNaN(x) ? '–' : x.toFixed(2));
  const name = (d: string) => (d === DEFAULT_DETECTOR ? `**${d}** (default)` : d);
  const baseline = s.results.find((r) => r.detector === BASELINE);
  const lines = [
    `Measured ${s.date} on ${s.machine}; \`npx tsx bench/anomaly/run.ts\`. NAB standard profile (TP 1, FP −0.11 per alarmed point outside a window, FN −1; windows 10 % of a series over its anomalies, centred; first 15 % probationary), normalised 0 (detect nothing) – 100 (perfect). "best" = at the one threshold best for the whole corpus, "at 0.5" = the detectors' own alarm rule (score > 0.5).`,
    '',
    `Real corpus: Microsoft Cloud Monitoring Dataset, ${s.real.series} series (${s.real.unlabeledSeries} without labels), ${s.real.windows} windows, ${s.real.points.toLocaleString('en-US')} points. Synthetic corpus (seeded): ${s.synthetic.series} series, ${s.synthetic.windows} windows, ${s.synthetic.points.toLocaleString('en-US')} points.`,
    '',
    '| detector | real: best | vs zscore | real: at 0.5 | real: FP points / 1k | unlabeled: alarm episodes / series / week | synthetic: best | synthetic: at 0.5 | synthetic: FP points / 1k | points per CPU-second |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of s.results) {
    const ratio = baseline ? r.real.best.score / baseline.real.best.score : Number.NaN;
    lines.push(
      `| ${name(r.detector)} | ${f1(r.real.best.score)} | ${f2(ratio)}× | ${f1(r.real.atDefault.score)} | ${f2(r.real.fpPer1000)} | ${f2(r.real.unlabeledEpisodesPerWeek)} | ${f1(r.synthetic.best.score)} | ${f1(r.synthetic.atDefault.score)} | ${f2(r.synthetic.fpPer1000)} | ${Math.round(r.real.pointsPerSecond).toLocaleString('en-US')} |`,
    );
  }
  lines.push(
    '',
    'Real corpus per domain: score at the corpus-wide best threshold / at 0.5 (– for a domain without labels: only its FP points count, in the corpus score).',
    '',
    `| detector | ${domains.join(' | ')} |`,
    `| --- |${domains.map(() => ' ---: |').join('')}`,
  );
  for (const r of s.results) {
    const cells = domains.map((d) => {
      const g = r.real.byGroup[d];
      return g ? `${f1(g.best)} / ${f1(g.atDefault)}` : '–';
    });
    lines.push(`| ${r.detector} | ${cells.join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Formats markdown as the repository's prettier config does, so `npm run format:check` stays clean. */
async function prettyMarkdown(markdown: string): Promise<string> {
  const config = await resolveConfig(new URL('results.md', HERE));
  return format(markdown, { ...config, parser: 'markdown' });
}

function updateReadme(markdown: string): void {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(SECTION);
  if (start < 0) throw new Error(`bench/README.md has no '${SECTION}' heading to fill`);
  const next = text.indexOf('\n## ', start + SECTION.length);
  const body = `${SECTION}\n\nbench/anomaly — corpora, scorer and method in [bench/anomaly/README.md](anomaly/README.md).\n\n${markdown}`;
  writeFileSync(README, text.slice(0, start) + body + (next < 0 ? '' : text.slice(next)));
}

function cpuModel(): string {
  try {
    const line = execFileSync('lscpu', { encoding: 'utf8' })
      .split('\n')
      .find((l) => l.startsWith('Model name'));
    return line ? (line.split(':')[1]?.trim() ?? 'unknown CPU') : 'unknown CPU';
  } catch {
    return cpus()[0]?.model ?? 'unknown CPU';
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

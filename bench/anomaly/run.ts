/**
 * bench/anomaly: generates the labeled corpus, scores every detector at its
 * default options, and writes results.json, results.md and the "Anomaly
 * detection" section of bench/README.md.
 *
 *   npx tsx bench/anomaly/run.ts                    # every detector, writes the results
 *   npx tsx bench/anomaly/run.ts zscore ensemble    # only these, prints and writes nothing
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { format, resolveConfig } from 'prettier';
import { ANOMALY_THRESHOLD, DEFAULT_DETECTOR, DETECTORS, detect } from '@hydra/analytics';
import { EVENT_KINDS, generateCorpus, type EventKind } from './corpus.ts';
import { addTally, emptyTally, scoreSeries, summarize, type Tally } from './scorer.ts';

/** The detector everything is compared with. */
const BASELINE = 'zscore';
const HERE = new URL('.', import.meta.url);
const README = new URL('../README.md', import.meta.url);
const SECTION = '## Anomaly detection';

interface DetectorResult {
  detector: string;
  precision: number;
  recall: number;
  f1: number;
  windowed: number;
  meanDelayPoints: number;
  falsePositiveEpisodes: number;
  pointsPerSecond: number;
  recallByKind: Record<string, number>;
}

async function main(): Promise<void> {
  const corpus = generateCorpus();
  const points = corpus.reduce((s, c) => s + c.values.length, 0);
  const only = process.argv.slice(2);
  const results: DetectorResult[] = [];
  for (const detector of Object.values(DETECTORS)) {
    if (only.length > 0 && !only.includes(detector.name)) continue;
    const total = emptyTally();
    const byKind = new Map<EventKind, Tally>(EVENT_KINDS.map((k) => [k, emptyTally()]));
    let elapsed = 0;
    for (const series of corpus) {
      const started = performance.now();
      const { score } = detect(detector, series);
      elapsed += performance.now() - started;
      const tally = scoreSeries(score, series.events, ANOMALY_THRESHOLD);
      addTally(total, tally);
      const kind = series.events[0]?.kind;
      if (kind) addTally(byKind.get(kind) as Tally, tally);
    }
    const s = summarize(total);
    results.push({
      detector: detector.name,
      precision: s.precision,
      recall: s.recall,
      f1: s.f1,
      windowed: s.windowed,
      meanDelayPoints: s.meanDelay,
      falsePositiveEpisodes: total.falsePositiveEpisodes,
      pointsPerSecond: points / (elapsed / 1000),
      recallByKind: Object.fromEntries([...byKind].map(([k, t]) => [k, summarize(t).recall])),
    });
    console.log(
      `${detector.name}: windowed ${s.windowed.toFixed(1)}, F1 ${s.f1.toFixed(3)}, ${(elapsed / 1000).toFixed(2)} s`,
    );
  }
  if (only.length > 0) return;
  const machine = `${cpuModel()}, ${cpus().length} cores, Node ${process.versions.node}`;
  const date = new Date().toISOString().slice(0, 10);
  const summary = {
    date,
    machine,
    series: corpus.length,
    events: corpus.reduce((s, c) => s + c.events.length, 0),
    points,
    threshold: ANOMALY_THRESHOLD,
    baseline: BASELINE,
    default: DEFAULT_DETECTOR,
    results,
  };
  writeFileSync(new URL('results.json', HERE), `${JSON.stringify(summary, null, 2)}\n`);
  const markdown = await prettyMarkdown(renderMarkdown(summary));
  writeFileSync(new URL('results.md', HERE), markdown);
  updateReadme(markdown);
  console.log(markdown);
}

function renderMarkdown(s: {
  date: string;
  machine: string;
  series: number;
  events: number;
  points: number;
  results: DetectorResult[];
}): string {
  const baseline = s.results.find((r) => r.detector === BASELINE);
  const lines = [
    `Measured ${s.date} on ${s.machine}; \`npx tsx bench/anomaly/run.ts\` (seeded corpus: ${s.series} series, ${s.events} labeled events, ${s.points.toLocaleString('en-US')} points; default options, alarm = score > 0.5).`,
    '',
    '| detector | windowed score (0–100) | vs zscore | precision | recall | F1 | false alarm episodes | mean delay (points) | points/s |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of s.results) {
    const delta = baseline ? r.windowed - baseline.windowed : Number.NaN;
    const name = r.detector === DEFAULT_DETECTOR ? `**${r.detector}** (default)` : r.detector;
    lines.push(
      `| ${name} | ${r.windowed.toFixed(1)} | ${delta >= 0 ? '+' : ''}${delta.toFixed(1)} | ${r.precision.toFixed(3)} | ${r.recall.toFixed(3)} | ${r.f1.toFixed(3)} | ${r.falsePositiveEpisodes} | ${r.meanDelayPoints.toFixed(1)} | ${Math.round(r.pointsPerSecond).toLocaleString('en-US')} |`,
    );
  }
  lines.push(
    '',
    'Recall by event kind:',
    '',
    `| detector | ${EVENT_KINDS.join(' | ')} |`,
    `| --- |${EVENT_KINDS.map(() => ' ---: |').join('')}`,
  );
  for (const r of s.results)
    lines.push(`| ${r.detector} | ${EVENT_KINDS.map((k) => (r.recallByKind[k] ?? 0).toFixed(2)).join(' | ')} |`);
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
  const body = `${SECTION}\n\nbench/anomaly — corpus, scorer and method in [bench/anomaly/README.md](anomaly/README.md).\n\n${markdown}`;
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
  console.error(err);
  process.exitCode = 1;
});

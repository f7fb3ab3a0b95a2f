/**
 * Microsoft's Cloud Monitoring Dataset (MIT licence): real production series
 * in domain folders, one CSV per series with `TimeStamp,Value,Label` (label 1
 * = an anomalous point). Loaded from a folder given on the command line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spansOfLabels, type LabeledSpan } from './scorer.ts';

/** Where the corpus lives, relative to the repository root. */
export const DEFAULT_REAL_CORPUS = '../shared/data/cloud-monitoring-dataset';

/** One real series with its labeled spans. */
export interface RealSeries {
  name: string;
  domain: string;
  timestamps: Float64Array;
  values: Float64Array;
  spans: LabeledSpan[];
}

/**
 * Reads every `<domain>/<series>.csv` under `root/data`. Throws an Error
 * saying what is missing when the folder or its data are not there, and one
 * naming the file and line on a malformed row.
 */
export function loadRealCorpus(root: string): RealSeries[] {
  const data = join(root, 'data');
  if (!existsSync(data) || !statSync(data).isDirectory()) {
    throw new Error(
      `real corpus not found: ${data} does not exist (expected the Cloud Monitoring Dataset, ` +
        `<domain>/<series>.csv files; pass --real-corpus DIR)`,
    );
  }
  const corpus: RealSeries[] = [];
  for (const domain of readdirSync(data).sort()) {
    const dir = join(data, domain);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.csv')) corpus.push(parseSeries(join(dir, file), domain, file.replace(/\.csv$/, '')));
    }
  }
  if (corpus.length === 0) throw new Error(`real corpus ${data} holds no <domain>/<series>.csv file`);
  return corpus;
}

function parseSeries(path: string, domain: string, name: string): RealSeries {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const timestamps: number[] = [];
  const values: number[] = [];
  const labels: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '') continue;
    const fields = line.split(',').map((f) => f.replace(/^"|"$/g, ''));
    const [time, value, label] = fields;
    const stamp = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(time ?? '') ? (time as string) : `${time}Z`);
    // An empty value is a missing point (NaN: detectors score it NaN and learn nothing from it).
    const v = value === '' ? Number.NaN : Number(value);
    if (fields.length !== 3 || Number.isNaN(stamp) || (value !== '' && Number.isNaN(v))) {
      throw new Error(`${path}:${i + 1}: expected "TimeStamp,Value,Label", got '${line}'`);
    }
    timestamps.push(stamp);
    values.push(v);
    labels.push(Number(label) === 1 ? 1 : 0);
  }
  return {
    name: `${domain}/${name}`,
    domain,
    timestamps: Float64Array.from(timestamps),
    values: Float64Array.from(values),
    spans: spansOfLabels(labels),
  };
}

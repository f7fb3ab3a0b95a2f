/**
 * The benchmark figures the deck shows, read from the result files each benchmark writes (bench/README.md has the
 * commands). Nothing here is typed by hand: a table cell is a number from one of these files, rounded for display.
 * deck/test/deck.integration.test.ts reads the same files on its own and compares every cell of the built deck.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..');

/** One table of figures: a slide's title, the file it came from, column headings and rows of display text. */
export interface FigureTable {
  title: string;
  /** Repository-relative path of the bench file, shown on the slide. */
  source: string;
  /** What the benchmark was run on and when, from the file. */
  measured: string;
  columns: string[];
  rows: string[][];
}

function readJson<T>(relative: string): T {
  return JSON.parse(readFileSync(path.join(ROOT, relative), 'utf8')) as T;
}

/** A number for a table cell: thousands separated, `digits` decimals. */
export function fmt(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

interface AnomalyScore {
  score: number;
}
interface AnomalyCorpusResult {
  atDefault: AnomalyScore;
  best: AnomalyScore;
  fpPer1000: number;
}
export interface AnomalyResults {
  date: string;
  machine: string;
  default: string;
  baseline: string;
  results: { detector: string; synthetic: AnomalyCorpusResult; real?: AnomalyCorpusResult }[];
}
export const ANOMALY_FILE = 'bench/anomaly/results.json';

export function anomalyTable(): FigureTable {
  const data = readJson<AnomalyResults>(ANOMALY_FILE);
  return {
    title: 'Anomaly detection quality (NAB standard profile)',
    source: ANOMALY_FILE,
    measured: `${data.machine}, ${data.date}; default detector: ${data.default}, baseline: ${data.baseline}`,
    columns: [
      'detector',
      'synthetic: score at 0.5',
      'synthetic: false alarms / 1000 pts',
      'real: score at 0.5',
      'real: false alarms / 1000 pts',
    ],
    rows: data.results.map((r) => [
      r.detector,
      fmt(r.synthetic.atDefault.score, 1),
      fmt(r.synthetic.fpPer1000, 2),
      fmt(r.real?.atDefault.score, 1),
      fmt(r.real?.fpPer1000, 2),
    ]),
  };
}

export interface ForecastRow {
  model: string;
  smape: number;
  mase: number;
  owa: number;
  coverage95: number;
}
export interface ForecastResults {
  suite: string;
  title: string;
  series: number;
  horizon: number;
  rows: ForecastRow[];
  date?: string;
  machine?: string;
}
export const FORECAST_SUITES = [
  'synthetic-hourly',
  'synthetic-hourly-s24',
  'synthetic-5m',
  'real-hourly',
  'real-hourly-s24',
  'real-5m',
] as const;
export const forecastFile = (suite: string): string => `bench/forecast/results/${suite}.json`;
/** The models the forecast slide compares: the seasonal-naive baseline and hydra's automatic choice. */
export const FORECAST_MODELS = ['seasonal-naive', 'auto'] as const;

export function forecastTable(): FigureTable {
  const suites = FORECAST_SUITES.map((suite) => readJson<ForecastResults>(forecastFile(suite)));
  const rows: string[][] = [];
  for (const data of suites) {
    for (const model of FORECAST_MODELS) {
      const row = data.rows.find((r) => r.model === model);
      if (!row) throw new Error(`${forecastFile(data.suite)}: no row for model ${model}`);
      rows.push([
        data.suite,
        fmt(data.series),
        model,
        fmt(row.smape, 2),
        fmt(row.mase, 3),
        fmt(row.owa, 3),
        fmt(row.coverage95, 3),
      ]);
    }
  }
  const dated = suites.find((s) => s.date);
  return {
    title: 'Forecast quality on held-out data',
    source: 'bench/forecast/results/<suite>.json',
    measured: dated ? `${dated.machine ?? ''}, ${dated.date}` : '',
    columns: ['suite', 'series', 'model', 'sMAPE', 'MASE', 'OWA (vs Naive2)', '95 % interval coverage'],
    rows,
  };
}

export interface IngestResults {
  date: string;
  commit?: string;
  machine: { cpus: number; model: string; node: string };
  shape: { rounds: number; pointsPerRequest: number; metrics: number; seriesPerMetric: number };
  concurrency: number;
  summary: {
    rawRowsPerSecond: number;
    endToEndPointsPerSecond: number;
    ratio: number;
    collectorCpuUsPerPoint: number;
  };
}
/** The newest ingest run that is not a "-before" measurement (the file names sort by time). */
export function ingestFile(): string {
  const dir = 'bench/ingest/results';
  const names = readdirSync(path.join(ROOT, dir))
    .filter((name) => name.endsWith('.json') && !name.includes('-before'))
    .filter((name) => 'summary' in readJson<object>(`${dir}/${name}`))
    .sort();
  const newest = names.at(-1);
  if (!newest) throw new Error(`${dir}: no result file with a summary`);
  return `${dir}/${newest}`;
}

export function ingestTable(): FigureTable {
  const file = ingestFile();
  const data = readJson<IngestResults>(file);
  const s = data.summary;
  return {
    title: 'Ingest throughput: OTLP/remote-write through the collector into PostgreSQL',
    source: file,
    measured: `${data.machine.cpus} × ${data.machine.model}, Node ${data.machine.node}, ${data.date.slice(0, 10)}`,
    columns: ['measure', 'value'],
    rows: [
      ['end-to-end points/s (HTTP → collector → COMMIT)', fmt(s.endToEndPointsPerSecond)],
      ['raw binary COPY rows/s (same schema, the ceiling)', fmt(s.rawRowsPerSecond)],
      ['end-to-end / raw COPY', fmt(s.ratio, 2)],
      ['collector CPU µs per point', fmt(s.collectorCpuUsPerPoint, 2)],
    ],
  };
}

export interface StorageReport {
  backend: string;
  points: number;
  ingestPointsPerSecond: number;
  bytesPerPoint: number;
  bytesPerPointCompressed: number | null;
  longQueryPoints: number;
  longQueryMs: number;
  wideQuerySeries: number;
  wideQueryMs: number;
}
export interface StorageResults {
  date: string;
  machine: { cpus: number; cpu: string; memoryGiB: number };
  reports: StorageReport[];
}
export const STORAGE_FILE = 'bench/storage/results.json';

export function storageTable(): FigureTable {
  const data = readJson<StorageResults>(STORAGE_FILE);
  return {
    title: 'Storage and query: the three backends',
    source: STORAGE_FILE,
    measured: `${data.machine.cpus} × ${data.machine.cpu}, ${data.date.slice(0, 10)}`,
    columns: [
      'backend',
      'points',
      'ingest points/s',
      'bytes/point',
      'bytes/point compressed',
      '7-day series query ms',
      '1,000-series query ms',
    ],
    rows: data.reports.map((r) => [
      r.backend,
      fmt(r.points),
      fmt(r.ingestPointsPerSecond),
      fmt(r.bytesPerPoint, 2),
      fmt(r.bytesPerPointCompressed, 2),
      fmt(r.longQueryMs, 1),
      fmt(r.wideQueryMs, 1),
    ]),
  };
}

export function figureTables(): FigureTable[] {
  return [anomalyTable(), forecastTable(), ingestTable(), storageTable()];
}

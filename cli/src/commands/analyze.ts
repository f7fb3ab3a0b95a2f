/**
 * `hydra analyze --input FILE.csv --output OUT.csv [--detector NAME]`: backtests an anomaly detector on
 * one series and writes `timestamp,value,anomaly_score,expected,lower,upper`, one row per input row, in
 * input order. Scoring is causal, exactly as the live anomaly job would have scored each point.
 *
 * Input handling (documented in --help and docs/anomaly-detection.md):
 * - unsorted rows are scored in time order and written back in input order;
 * - duplicate timestamps: the last row in the file is scored, earlier ones get an empty score
 *   and the kept row's expected value and band;
 * - a missing value (empty, NaN, NA, null) keeps its row with an empty score;
 * - gaps need nothing: detectors work on timestamps, not on a fixed grid;
 * - a malformed row (bad timestamp, non-numeric value, missing field) fails the run with its line
 *   number, unless --skip-invalid, which leaves it out of the output and reports it on stderr.
 */
import { writeFile } from 'node:fs/promises';
import {
  ANOMALY_THRESHOLD,
  DEFAULT_DETECTOR,
  DETECTORS,
  detect,
  getDetector,
  type DetectionResult,
  type DetectorOptions,
  type Direction,
} from '@hydra/analytics/detect';
import { integerOption, parseCommandArgs, UsageError } from '../args.ts';
import { inputName } from '../io/input.ts';
import { CsvSeriesError, MAX_ROW_ERRORS_SHOWN, readSeriesCsv, type SeriesRow } from '../csv-series.ts';

const OUTPUT_HEADER = 'timestamp,value,anomaly_score,expected,lower,upper';
/** Decimal places written for expected values and bands (values below 1e-3 keep 6 significant digits instead). */
const OUTPUT_DECIMALS = 6;
const OUTPUT_ROUNDING = 10 ** OUTPUT_DECIMALS;
const SMALL_VALUE = 1e-3;
/** Decimal places written for scores. */
const SCORE_DECIMALS = 6;
const SCORE_ROUNDING = 10 ** SCORE_DECIMALS;
const MAX_WARMUP = 1_000_000;

const USAGE = `usage: hydra analyze --input FILE.csv --output OUT.csv [options]

Scores one series for anomalies (backtesting), point by point and causally, as the live job would.
  input:  header timestamp,value (other columns ignored). timestamp: 'YYYY-MM-DD HH:MM:SS' (UTC
          unless an offset follows), ISO 8601, or epoch seconds/milliseconds.
  output: header ${OUTPUT_HEADER}; one row per input row, in input order.
          anomaly_score is in [0, 1]; above ${ANOMALY_THRESHOLD} the point is anomalous.
  rows may be unsorted (scored in time order, written in input order); for a duplicate timestamp
  the last row is scored and earlier ones get an empty score; an empty or NaN value keeps its row
  with an empty score; a malformed row is an error naming its line (see --skip-invalid).

options:
  -i, --input FILE        the input CSV (required; - reads standard input)
  -o, --output FILE       where to write the scores (required)
  -d, --detector NAME     ${Object.keys(DETECTORS).join(' | ')} (default ${DEFAULT_DETECTOR},
                          the default of a new monitor)
  --sensitivity S         low | medium | high | a number in [0, 1] (default medium)
  --direction D           above | below | both (default both)
  --min-deviation X       deviations smaller than X (in the series' unit) score 0 (default 0)
  --warmup N              points to learn from before scoring (default: the detector's)
  --skip-invalid          leave malformed rows out (reported on stderr) instead of failing
  -h, --help              show this help`;

const SPEC = {
  usage: USAGE,
  options: {
    input: { type: 'string', short: 'i' },
    output: { type: 'string', short: 'o' },
    detector: { type: 'string', short: 'd' },
    sensitivity: { type: 'string' },
    direction: { type: 'string' },
    'min-deviation': { type: 'string' },
    warmup: { type: 'string' },
    'skip-invalid': { type: 'boolean' },
  },
} as const;

/** Runs `hydra analyze`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, SPEC);
  if (!args) return 0;
  if (!args.input) throw new UsageError(`--input is required\n\n${USAGE}`);
  if (!args.output) throw new UsageError(`--output is required\n\n${USAGE}`);
  const detector = getDetectorOption(args.detector ?? DEFAULT_DETECTOR);
  const options = detectorOptions(args);
  detector.create(options); // validates the options before reading anything

  const started = performance.now();
  const { rows, errors } = await readSeriesCsv(args.input);
  if (errors.length > 0) {
    if (!args['skip-invalid']) throw new CsvSeriesError(inputName(args.input), errors);
    const shown = errors.slice(0, MAX_ROW_ERRORS_SHOWN).map((e) => `  line ${e.line}: ${e.message}`);
    console.error(
      [`hydra analyze: skipped ${errors.length} malformed row(s) of ${inputName(args.input)}:`, ...shown].join('\n'),
    );
  }
  const scored = scoreRows(rows, detector.name, options);
  await writeFile(args.output, renderOutput(rows, scored));
  const anomalies = scored.score.reduce((n, s) => (s > ANOMALY_THRESHOLD ? n + 1 : n), 0);
  const ms = performance.now() - started;
  console.error(
    `hydra analyze: ${rows.length} rows scored with '${detector.name}' in ${ms.toFixed(0)} ms, ${anomalies} above ${ANOMALY_THRESHOLD} → ${args.output}`,
  );
  return 0;
}

/** Per input row (by position in `rows`): the detector's outputs; NaN score for superseded duplicates. */
export function scoreRows(rows: readonly SeriesRow[], detectorName: string, options: DetectorOptions): DetectionResult {
  const order = rows
    .map((_, i) => i)
    .sort((a, b) => (rows[a] as SeriesRow).timestamp - (rows[b] as SeriesRow).timestamp || a - b);
  // For each distinct timestamp, the last row in the file is the one scored.
  const kept: number[] = [];
  const keptFor = new Int32Array(rows.length);
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    const next = order[k + 1];
    if (next !== undefined && (rows[next] as SeriesRow).timestamp === (rows[i] as SeriesRow).timestamp) continue;
    kept.push(i);
  }
  let j = 0;
  for (let k = 0; k < order.length; k++) {
    const i = order[k] as number;
    while ((rows[kept[j] as number] as SeriesRow).timestamp < (rows[i] as SeriesRow).timestamp) j++;
    keptFor[i] = kept[j] as number;
  }
  const series = {
    timestamps: Float64Array.from(kept, (i) => (rows[i] as SeriesRow).timestamp),
    values: Float64Array.from(kept, (i) => (rows[i] as SeriesRow).value),
  };
  const result = detect(getDetector(detectorName), series, options);
  const position = new Int32Array(rows.length);
  kept.forEach((i, p) => (position[i] = p));
  const out: DetectionResult = {
    score: new Float64Array(rows.length),
    expected: new Float64Array(rows.length),
    lower: new Float64Array(rows.length),
    upper: new Float64Array(rows.length),
  };
  for (let i = 0; i < rows.length; i++) {
    const p = position[keptFor[i] as number] as number;
    out.score[i] = keptFor[i] === i ? (result.score[p] as number) : Number.NaN;
    out.expected[i] = result.expected[p] as number;
    out.lower[i] = result.lower[p] as number;
    out.upper[i] = result.upper[p] as number;
  }
  return out;
}

/** The output CSV text. */
export function renderOutput(rows: readonly SeriesRow[], r: DetectionResult): string {
  const lines = [OUTPUT_HEADER];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i] as SeriesRow;
    lines.push(
      [
        csvField(row.timestampText),
        csvField(row.valueText),
        formatScore(r.score[i] as number),
        formatNumber(r.expected[i] as number),
        formatNumber(r.lower[i] as number),
        formatNumber(r.upper[i] as number),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function getDetectorOption(name: string) {
  try {
    return getDetector(name);
  } catch (err) {
    throw new UsageError(`--detector: ${(err as Error).message}`);
  }
}

function detectorOptions(args: {
  sensitivity?: string;
  direction?: string;
  'min-deviation'?: string;
  warmup?: string;
}): DetectorOptions {
  const options: DetectorOptions = {};
  if (args.sensitivity !== undefined) {
    const s = args.sensitivity;
    if (s === 'low' || s === 'medium' || s === 'high') options.sensitivity = s;
    else if (/^(0(\.\d+)?|1(\.0*)?)$/.test(s)) options.sensitivity = Number(s);
    else throw new UsageError(`--sensitivity: '${s}' is not low, medium, high or a number in [0, 1]`);
  }
  if (args.direction !== undefined) {
    if (!['above', 'below', 'both'].includes(args.direction)) {
      throw new UsageError(`--direction: '${args.direction}' is not above, below or both`);
    }
    options.direction = args.direction as Direction;
  }
  if (args['min-deviation'] !== undefined) {
    const x = Number(args['min-deviation']);
    if (args['min-deviation'].trim() === '' || !Number.isFinite(x) || x < 0) {
      throw new UsageError(`--min-deviation: '${args['min-deviation']}' is not a number >= 0`);
    }
    options.minDeviation = x;
  }
  if (args.warmup !== undefined) options.warmup = integerOption('warmup', args.warmup, 0, 0, MAX_WARMUP);
  return options;
}

function formatScore(x: number): string {
  return Number.isNaN(x) ? '' : String(Math.round(x * SCORE_ROUNDING) / SCORE_ROUNDING);
}

function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return '';
  if (Math.abs(x) < SMALL_VALUE) return String(Number(x.toPrecision(OUTPUT_DECIMALS)));
  return String(Math.round(x * OUTPUT_ROUNDING) / OUTPUT_ROUNDING);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

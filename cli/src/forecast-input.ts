/**
 * Reads the long-form CSV of `hydra forecast`: a header with the columns `series`, `timestamp` and
 * `value` (any order, other columns ignored), one row per observation, many series per file.
 * A timestamp is either an integer step index (|n| < `MAX_STEP_INDEX`) or a time as `hydra analyze`
 * accepts it (see `timestamps.ts`); one series must use one kind. An empty or `NaN` value is a missing
 * observation (a gap, interpolated later); anything else that is not a finite number is an error.
 * Every malformed row is reported with its line number (the first `MAX_ROW_ERRORS_SHOWN`), and the file
 * is refused as a whole: forecasting a series with silently dropped rows would mislead.
 */
import { parse } from 'csv-parse';
import { openInput } from './io/input.ts';
import { parseTimestamp } from './timestamps.ts';

/** Integers below this magnitude are step indices, not epoch seconds (1e8 s is March 1973). */
export const MAX_STEP_INDEX = 1e8;
export const MAX_ROW_ERRORS_SHOWN = 10;
/** Refuse files with more series than this, to bound memory and output size. */
export const MAX_SERIES = 100_000;
const REQUIRED_COLUMNS = ['series', 'timestamp', 'value'] as const;
const INTEGER = /^[+-]?\d+$/;
const MISSING_VALUES = new Set(['', 'nan', 'NaN', 'NA', 'null']);

export type TimeKind = 'step' | 'time';

export interface InputSeries {
  name: string;
  kind: TimeKind;
  /** Step indices, or epoch milliseconds for kind `time`. */
  times: number[];
  /** NaN marks a missing observation. */
  values: number[];
}

/** A malformed input file; `message` lists the first bad rows with their line numbers. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * Reads and validates `input` (a path, or `-` for standard input); series come back in order of first
 * appearance. @throws InputFileError when it cannot be read, InputError when it is malformed
 */
export async function readLongFormCsv(input: string): Promise<InputSeries[]> {
  const stream = await openInput(input);
  const parser = stream.pipe(parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }));
  // pipe() does not forward read errors: hand them to the parser so the loop below throws.
  stream.on('error', (err) => parser.destroy(err));
  const series = new Map<string, InputSeries>();
  const errors: string[] = [];
  let errorCount = 0;
  let columns: Record<(typeof REQUIRED_COLUMNS)[number], number> | undefined;
  let line = 0;
  const fail = (message: string): void => {
    errorCount++;
    if (errors.length < MAX_ROW_ERRORS_SHOWN) errors.push(`line ${line}: ${message}`);
  };
  for await (const record of parser as AsyncIterable<string[]>) {
    line++;
    if (!columns) {
      columns = headerColumns(record);
      continue;
    }
    const name = record[columns.series] ?? '';
    const timeText = record[columns.timestamp] ?? '';
    const valueText = record[columns.value] ?? '';
    if (name === '') {
      fail('series is empty');
      continue;
    }
    const time = parseTime(timeText);
    if (time instanceof Error) {
      fail(time.message);
      continue;
    }
    const value = MISSING_VALUES.has(valueText) ? Number.NaN : Number(valueText);
    if (!MISSING_VALUES.has(valueText) && !Number.isFinite(value)) {
      fail(`value '${valueText}' is not a finite number`);
      continue;
    }
    let s = series.get(name);
    if (!s) {
      if (series.size >= MAX_SERIES) throw new InputError(`line ${line}: more than ${MAX_SERIES} series in one file`);
      s = { name, kind: time.kind, times: [], values: [] };
      series.set(name, s);
    }
    if (s.kind !== time.kind) {
      fail(
        `series '${name}' mixes step indices and times (this row is a ${time.kind === 'step' ? 'step index' : 'time'})`,
      );
      continue;
    }
    s.times.push(time.value);
    s.values.push(value);
  }
  if (!columns) throw new InputError('the file is empty: expected a header with series,timestamp,value');
  if (errorCount > 0) {
    const more = errorCount > errors.length ? `\n  … and ${errorCount - errors.length} more` : '';
    throw new InputError(`${errorCount} malformed row(s):\n  ${errors.join('\n  ')}${more}`);
  }
  if (series.size === 0) throw new InputError('the file has a header but no rows');
  for (const s of series.values()) checkDuplicates(s);
  return [...series.values()];
}

function headerColumns(header: string[]): Record<(typeof REQUIRED_COLUMNS)[number], number> {
  const lower = header.map((h) => h.toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((c) => !lower.includes(c));
  if (missing.length > 0) {
    throw new InputError(
      `line 1: the header must have the columns series,timestamp,value; missing ${missing.join(', ')} (got '${header.join(',')}')`,
    );
  }
  return { series: lower.indexOf('series'), timestamp: lower.indexOf('timestamp'), value: lower.indexOf('value') };
}

function parseTime(text: string): { kind: TimeKind; value: number } | Error {
  if (INTEGER.test(text) && Math.abs(Number(text)) < MAX_STEP_INDEX) return { kind: 'step', value: Number(text) };
  const ms = parseTimestamp(text);
  return ms instanceof Error ? ms : { kind: 'time', value: ms };
}

function checkDuplicates(s: InputSeries): void {
  const seen = new Set<number>();
  for (const t of s.times) {
    if (seen.has(t)) {
      const shown = s.kind === 'time' ? new Date(t).toISOString() : String(t);
      throw new InputError(`series '${s.name}' has two rows for timestamp ${shown}`);
    }
    seen.add(t);
  }
}

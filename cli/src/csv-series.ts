/**
 * Reading `timestamp,value` CSV files (for `hydra analyze`, and for any
 * command that takes one series): a header row names the columns (any
 * order, other columns ignored); every data row becomes a {@link SeriesRow}
 * with its line number, or a {@link CsvRowError} that names the line and
 * the reason. Values that mean "missing" (empty, NaN, NA, null) become NaN;
 * anything else that is not a finite number is an error. Timestamps are
 * parsed by `parseTimestamp` (`YYYY-MM-DD HH:MM:SS`, ISO 8601, epoch s/ms).
 */
import { parse } from 'csv-parse/sync';
import { inputName, readInputText } from './io/input.ts';
import { parseTimestamp } from './timestamps.ts';

/** Texts read as a missing value (case-insensitive). */
export const MISSING_VALUE_TEXTS = new Set(['', 'nan', 'na', 'null']);
/** At most this many row errors are listed in a {@link CsvSeriesError} message. */
export const MAX_ROW_ERRORS_SHOWN = 10;

/** One data row, as read. */
export interface SeriesRow {
  /** 1-based line of the file the row came from. */
  line: number;
  /** The timestamp and value exactly as written (trimmed). */
  timestampText: string;
  valueText: string;
  /** Epoch milliseconds. */
  timestamp: number;
  /** NaN when the value is missing. */
  value: number;
}

/** One malformed row. */
export interface CsvRowError {
  line: number;
  message: string;
}

/** A file that cannot be used as a whole: a bad header, or malformed rows (listed with their lines). */
export class CsvSeriesError extends Error {
  override readonly name = 'CsvSeriesError';

  constructor(
    readonly file: string,
    readonly rowErrors: CsvRowError[],
    headline?: string,
  ) {
    const shown = rowErrors.slice(0, MAX_ROW_ERRORS_SHOWN).map((e) => `  line ${e.line}: ${e.message}`);
    const more =
      rowErrors.length > MAX_ROW_ERRORS_SHOWN ? [`  … and ${rowErrors.length - MAX_ROW_ERRORS_SHOWN} more`] : [];
    super([headline ?? `${file}: ${rowErrors.length} malformed row(s)`, ...shown, ...more].join('\n'));
  }
}

/** Column names, defaulting to `timestamp` and `value`. */
export interface SeriesColumns {
  timestamp?: string;
  value?: string;
}

/** The result of reading a file: good rows in file order, and the malformed ones. */
export interface SeriesRows {
  rows: SeriesRow[];
  errors: CsvRowError[];
}

/**
 * Parses CSV text into rows; never throws for a bad row (see `errors`),
 * throws {@link CsvSeriesError} when the header lacks a named column.
 */
export function parseSeriesCsv(text: string, file = 'input', columns: SeriesColumns = {}): SeriesRows {
  const timestampColumn = columns.timestamp ?? 'timestamp';
  const valueColumn = columns.value ?? 'value';
  const records = parseRecords(text);
  const header = records[0]?.record.map((c) => c.toLowerCase());
  if (!header)
    throw new CsvSeriesError(
      file,
      [],
      `${file}: the file is empty (expected a header '${timestampColumn},${valueColumn}')`,
    );
  const ti = header.indexOf(timestampColumn.toLowerCase());
  const vi = header.indexOf(valueColumn.toLowerCase());
  if (ti < 0 || vi < 0) {
    throw new CsvSeriesError(
      file,
      [],
      `${file}: line 1: header must name the columns '${timestampColumn}' and '${valueColumn}', got '${header.join(',')}'`,
    );
  }
  const rows: SeriesRow[] = [];
  const errors: CsvRowError[] = [];
  for (let r = 1; r < records.length; r++) {
    const { record, line } = records[r] as (typeof records)[number];
    const timestampText = record[ti];
    const valueText = record[vi];
    if (timestampText === undefined || valueText === undefined) {
      errors.push({ line, message: `expected at least ${Math.max(ti, vi) + 1} fields, got ${record.length}` });
      continue;
    }
    const timestamp = parseTimestamp(timestampText);
    if (timestamp instanceof Error) {
      errors.push({ line, message: timestamp.message });
      continue;
    }
    const value = parseValue(valueText);
    if (value instanceof Error) {
      errors.push({ line, message: value.message });
      continue;
    }
    rows.push({ line, timestampText, valueText, timestamp, value });
  }
  return { rows, errors };
}

/**
 * CSV records with the line each starts on, empty lines left out. A file
 * with a quote character goes through csv-parse (quoted fields may hold
 * commas and line breaks). Without one, a record is exactly a line split at
 * commas, which is done directly: csv-parse with per-record line info costs
 * about four times as much, and `hydra analyze` must stay well under a
 * second for 25,000 rows.
 */
function parseRecords(text: string): { record: string[]; line: number }[] {
  if (text.includes('"')) {
    const records = parse(text, {
      bom: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as {
      record: string[];
      info: { lines: number };
    }[];
    return records.map(({ record, info }) => ({ record, line: info.lines }));
  }
  const lines = (text.charCodeAt(0) === BYTE_ORDER_MARK ? text.slice(1) : text).split(LINE_BREAK);
  const out: { record: string[]; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    out.push({ record: line.split(',').map((field) => field.trim()), line: i + 1 });
  }
  return out;
}

const BYTE_ORDER_MARK = 0xfeff;
const LINE_BREAK = /\r\n|\n|\r/;

/** Reads `input` (UTF-8; a path, or `-` for standard input) with {@link parseSeriesCsv}. @throws InputFileError */
export async function readSeriesCsv(input: string, columns: SeriesColumns = {}): Promise<SeriesRows> {
  return parseSeriesCsv(await readInputText(input), inputName(input), columns);
}

/** A value text as a number: NaN for a missing value, an Error naming the text otherwise. */
export function parseValue(text: string): number | Error {
  if (MISSING_VALUE_TEXTS.has(text.toLowerCase())) return Number.NaN;
  const n = Number(text);
  if (!Number.isFinite(n)) return new Error(`value '${text}' is not a finite number (a missing value is empty or NaN)`);
  return n;
}

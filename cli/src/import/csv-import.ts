/**
 * Streams a CSV file through csv-parse into the Ingestor in batches, so a
 * file of any size runs in bounded memory and every batch is committed (by
 * the same writer the collector uses) before the next is read.
 */
import { parse } from 'csv-parse';
import type { Ingestor } from '@hydra/collector';
import { inputName, inputSize, openInput } from '../io/input.ts';
import type { Progress } from '../io/progress.ts';
import { InFlightLimit } from '../runtime/in-flight.ts';
import { SeriesBatch, columnLayout, parseRow, type ColumnLayout, type ImportDefaults } from './csv-points.ts';

/** Points sent to the Ingestor per call. */
export const IMPORT_BATCH_POINTS = 5_000;
/** Batches being committed while the next is read. */
export const IMPORT_BATCHES_IN_FLIGHT = 2;
/** Row errors kept with their message; the rest are only counted. */
export const MAX_ROW_ERRORS_SHOWN = 100;

export interface ImportSummary {
  rows: number;
  importedPoints: number;
  failedRows: number;
  /** points the Ingestor refused (too old, cardinality limit…) */
  rejectedPoints: number;
  /** the first MAX_ROW_ERRORS_SHOWN row errors, then the Ingestor's messages */
  errors: string[];
  elapsedMs: number;
}

/**
 * Imports `input` (a path, or `-` for standard input); throws when the file cannot be read (InputFileError),
 * its header is unusable, or storage fails. `progress` counts bytes read.
 */
export async function importCsv(
  input: string,
  ingestor: Ingestor,
  defaults: ImportDefaults,
  progress: Progress,
): Promise<ImportSummary> {
  const started = performance.now();
  const source = await openInput(input);
  const size = await inputSize(input);
  const summary: ImportSummary = {
    rows: 0,
    importedPoints: 0,
    failedRows: 0,
    rejectedPoints: 0,
    errors: [],
    elapsedMs: 0,
  };
  // A record csv-parse cannot read (a quote never closed…) is a failed row, not the end of
  // the import; csv-parse may report one bad line more than once, it counts once.
  let lastUnreadableLine = -1;
  const unreadable = (err: Error | undefined) => {
    const lines = (err as unknown as { lines?: unknown } | undefined)?.lines;
    const line = typeof lines === 'number' ? lines : null;
    if (line !== null && line === lastUnreadableLine) return undefined;
    lastUnreadableLine = line ?? -1;
    summary.rows++;
    summary.failedRows++;
    if (summary.errors.length < MAX_ROW_ERRORS_SHOWN) {
      summary.errors.push(`${line === null ? '' : `line ${line}: `}${err?.message ?? 'unreadable record'}`);
    }
    return undefined;
  };
  const parser = source.pipe(
    parse({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      info: true,
      skip_records_with_error: true,
      on_skip: unreadable,
    }),
  );
  const batch = new SeriesBatch();
  const writes = new InFlightLimit(IMPORT_BATCHES_IN_FLIGHT);
  const flush = () => {
    if (batch.size === 0) return Promise.resolve();
    const series = batch.take();
    return writes.add(async () => {
      const result = await ingestor.ingest(series);
      summary.importedPoints += result.acceptedPoints;
      summary.rejectedPoints += result.rejectedPoints;
      for (const e of result.errors) if (summary.errors.length < MAX_ROW_ERRORS_SHOWN) summary.errors.push(e);
    });
  };

  let layout: ColumnLayout | null = null;
  progress.start(size);
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; bytes: number; records: number };
    }>) {
      if (!layout) {
        try {
          layout = columnLayout(record, defaults);
        } catch (err) {
          throw new Error(`${inputName(input)}: line ${info.lines}: ${(err as Error).message}`);
        }
        continue;
      }
      summary.rows++;
      const point = parseRow(record, layout, defaults);
      if (point instanceof Error) {
        summary.failedRows++;
        if (summary.errors.length < MAX_ROW_ERRORS_SHOWN)
          summary.errors.push(`row ${info.records - 1} (line ${info.lines}): ${point.message}`);
      } else {
        batch.add(point);
        if (batch.size >= IMPORT_BATCH_POINTS) await flush();
      }
      if (summary.rows % 1000 === 0) progress.update(info.bytes, `${summary.rows} rows`);
    }
    if (!layout) throw new Error(`${inputName(input)}: the file is empty (expected a header row)`);
    await flush();
    await writes.drain();
    progress.update(size ?? 0, `${summary.rows} rows`);
  } finally {
    await writes.settled();
    progress.stop();
  }
  summary.elapsedMs = performance.now() - started;
  return summary;
}

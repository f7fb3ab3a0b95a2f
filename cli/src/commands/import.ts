/**
 * `hydra import --input FILE.csv [--name N] [--host H]`: bulk-load points
 * from a CSV file through the Ingestor (the collector's limits and writer).
 * Bad rows are reported one by one (the first MAX_ROW_ERRORS_SHOWN) and
 * counted; the exit code is 1 when any row or point was refused.
 */
import { parseCommandArgs, UsageError } from '../args.ts';
import { loadConfig } from '../config.ts';
import { importCsv, MAX_ROW_ERRORS_SHOWN, type ImportSummary } from '../import/csv-import.ts';
import { checkInput } from '../io/input.ts';
import { progressReporter } from '../io/progress.ts';
import { loggerFor } from '../log.ts';
import { SHUTDOWN_DEADLINE_MS } from '../runtime/lifecycle.ts';
import { createPipeline } from '../runtime/pipeline.ts';
import { openStorage } from '../runtime/storage.ts';

const USAGE = `usage: hydra import --input FILE.csv [--name NAME] [--host HOST]

Loads points from a CSV file with a header row into the database.
  required columns: timestamp, value, and name (unless --name)
  optional columns: host (stored as the label host.name), type (gauge or
                    counter, default gauge), unit
  every other column becomes a label.
Timestamps: 'YYYY-MM-DD HH:MM:SS' (UTC unless an offset follows), ISO 8601,
or epoch seconds / milliseconds.

options:
  -i, --input FILE  the CSV file (required; - reads standard input)
  --name NAME       metric name for rows without a name column/value
  --host HOST       host.name for rows without a host
  -h, --help        show this help`;

export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, {
    usage: USAGE,
    options: { input: { type: 'string', short: 'i' }, name: { type: 'string' }, host: { type: 'string' } },
  });
  if (!args) return 0;
  if (!args.input) throw new UsageError(`--input is required\n\n${USAGE}`);
  const file = args.input;
  await checkInput(file);
  const config = loadConfig();
  const log = loggerFor('import', config);
  const storage = await openStorage(config, { component: 'import', migrate: true, logger: log });
  let summary: ImportSummary;
  try {
    const pipeline = createPipeline(storage.db, config);
    try {
      const defaults = { ...(args.name ? { name: args.name } : {}), ...(args.host ? { host: args.host } : {}) };
      summary = await importCsv(file, pipeline.ingestor, defaults, progressReporter('importing'));
    } finally {
      await pipeline.shutdown(SHUTDOWN_DEADLINE_MS);
    }
  } finally {
    await storage.close();
  }
  report(summary);
  return summary.failedRows > 0 || summary.rejectedPoints > 0 ? 1 : 0;
}

function report(s: ImportSummary): void {
  for (const e of s.errors) console.error(e);
  const shown = s.errors.length;
  const problems = s.failedRows + s.rejectedPoints;
  if (problems > shown && shown >= MAX_ROW_ERRORS_SHOWN) console.error(`… and ${problems - shown} more`);
  const seconds = s.elapsedMs / 1000;
  console.log(
    `imported ${s.importedPoints} of ${s.rows} rows in ${seconds.toFixed(1)} s` +
      (s.failedRows > 0 ? `; ${s.failedRows} row(s) had errors` : '') +
      (s.rejectedPoints > 0 ? `; ${s.rejectedPoints} point(s) refused by the ingest limits` : ''),
  );
}

/**
 * `hydra forecast --input FILE.csv --horizon H --output OUT.csv [--season M] [--model NAME] [--level 0.95]`:
 * forecasts every series of a long-form CSV (`series,timestamp,value`) and writes
 * `series,step,timestamp,mean,lower,upper`, H rows per series. Each series is put on a regular grid (gaps
 * interpolated), its seasons are detected from the data (daily/weekly for timed input) unless `--season`
 * is given, and the model is chosen per series by rolling-origin holdout unless `--model` names one.
 * Fits run on a pool of worker threads, one per core.
 */
import { writeFile } from 'node:fs/promises';
import { detectSeasonality, FORECASTERS, periodsForSeason, regularize } from '@hydra/analytics';
import { integerOption, parseCommandArgs, UsageError } from '../args.ts';
import { InputError, readLongFormCsv, type InputSeries } from '../forecast-input.ts';
import { inputName } from '../io/input.ts';
import { progressReporter } from '../io/progress.ts';
import { defaultWorkerCount, runForecastPool, type ForecastJob, type ForecastJobResult } from '../forecast-pool.ts';

const DEFAULT_LEVEL = 0.95;
const MAX_HORIZON = 100_000;
const MAX_SEASON = 100_000;
const MAX_WORKERS = 64;
const MS_PER_SECOND = 1000;
const MICROSECONDS_PER_SECOND = 1e6;

const USAGE = `usage: hydra forecast --input FILE.csv --horizon H --output OUT.csv [options]

Forecasts every series of a long-form CSV file.
  input:  header series,timestamp,value; one row per observation, many series per file.
          timestamp: an integer step index, or a time ('YYYY-MM-DD HH:MM:SS' UTC unless an
          offset follows, ISO 8601, or epoch seconds/milliseconds). An empty value is a gap.
  output: header series,step,timestamp,mean,lower,upper; H rows per series.

options:
  -i, --input FILE     the input CSV (required; - reads standard input)
  -o, --output FILE    where to write the forecasts (required)
  -H, --horizon H      steps to forecast (required)
  --season M           seasonal period in steps (default: detected daily/weekly cycles); a daily
                       M also gets the weekly cycle 7·M when the data shows it
  --model NAME         ${Object.keys(FORECASTERS).join(' | ')} | auto (default auto:
                       chosen per series by rolling-origin holdout MASE)
  --level L            central interval coverage in (0, 1) (default ${DEFAULT_LEVEL})
  --workers N          worker threads (default: one per core, ${defaultWorkerCount()} here)
  -h, --help           show this help`;

/** Entry point of `hydra forecast`; returns the exit code. */
export async function run(argv: string[]): Promise<number> {
  const args = parseCommandArgs(argv, {
    usage: USAGE,
    options: {
      input: { type: 'string', short: 'i' },
      output: { type: 'string', short: 'o' },
      horizon: { type: 'string', short: 'H' },
      season: { type: 'string' },
      model: { type: 'string' },
      level: { type: 'string' },
      workers: { type: 'string' },
    },
  });
  if (!args) return 0;
  if (!args.input) throw new UsageError(`--input is required\n\n${USAGE}`);
  if (!args.output) throw new UsageError(`--output is required\n\n${USAGE}`);
  if (args.horizon === undefined) throw new UsageError(`--horizon is required\n\n${USAGE}`);
  const horizon = integerOption('horizon', args.horizon, 0, 1, MAX_HORIZON);
  const season = args.season === undefined ? undefined : integerOption('season', args.season, 0, 1, MAX_SEASON);
  const workers = integerOption('workers', args.workers, defaultWorkerCount(), 1, MAX_WORKERS);
  const model = args.model ?? 'auto';
  if (model !== 'auto' && !(model in FORECASTERS)) {
    throw new UsageError(
      `--model: unknown model '${model}', expected one of ${Object.keys(FORECASTERS).join(', ')}, auto`,
    );
  }
  const level = parseLevel(args.level);

  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const input = await readInput(args.input);
  const steps = typicalSteps(input);
  const prepared = input.map((s) => prepare(s, season, steps));
  const jobs: ForecastJob[] = prepared.map((p, index) => ({
    index,
    values: p.grid.values,
    periods: p.periods,
    ...(p.intervalSeconds ? { intervalSeconds: p.intervalSeconds } : {}),
    horizon,
    levels: [level],
    model,
  }));
  const progress = progressReporter('forecasting');
  progress.start(jobs.length);
  let results: ForecastJobResult[];
  try {
    results = await runForecastPool(jobs, workers, (done, total) =>
      progress.update(done, `${done} of ${total} series`),
    );
  } finally {
    progress.stop();
  }
  const failed = results.filter((r) => r.error !== undefined);
  if (failed.length > 0) {
    throw new Error(failed.map((r) => `series '${input[r.index]?.name}': ${r.error}`).join('\n'));
  }
  await writeFile(args.output, toCsv(prepared, results, horizon));
  const seconds = (performance.now() - started) / MS_PER_SECOND;
  const cpu = process.cpuUsage(cpuStart); // the whole process, worker threads included
  const cpuSeconds = (cpu.user + cpu.system) / MICROSECONDS_PER_SECOND;
  console.error(summary(prepared, results, seconds, cpuSeconds, Math.min(workers, jobs.length)));
  return 0;
}

interface PreparedSeries {
  input: InputSeries;
  grid: ReturnType<typeof regularize>;
  periods: number[];
  intervalSeconds?: number;
}

async function readInput(input: string): Promise<InputSeries[]> {
  try {
    return await readLongFormCsv(input);
  } catch (err) {
    if (err instanceof InputError) throw new InputError(`${inputName(input)}: ${err.message}`);
    throw err;
  }
}

function parseLevel(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LEVEL;
  const level = Number(raw);
  if (!(level > 0 && level < 1)) throw new UsageError(`--level: '${raw}' is not a number strictly between 0 and 1`);
  return level;
}

/**
 * The median grid step of the file's series of each time kind, for series with a single row (whose own
 * step cannot be inferred). Step-indexed input defaults to 1.
 */
function typicalSteps(input: InputSeries[]): Record<InputSeries['kind'], number | undefined> {
  const median = (kind: InputSeries['kind']): number | undefined => {
    const steps = input
      .filter((s) => s.kind === kind && s.times.length > 1)
      .map((s) => regularizeStep(s))
      .filter((x) => x > 0)
      .sort((a, b) => a - b);
    return steps[Math.floor((steps.length - 1) / 2)];
  };
  return { step: median('step') ?? 1, time: median('time') };
}

function regularizeStep(s: InputSeries): number {
  try {
    return regularize(s.times, s.values).step;
  } catch {
    return 0; // a series that cannot be regularised says nothing about the typical step; prepare() reports it
  }
}

function prepare(
  input: InputSeries,
  season: number | undefined,
  steps: Record<InputSeries['kind'], number | undefined>,
): PreparedSeries {
  const step = input.times.length === 1 ? steps[input.kind] : undefined;
  if (input.times.length === 1 && step === undefined) {
    throw new Error(
      `series '${input.name}': a single row and no other timed series in the file: the sampling interval cannot be inferred`,
    );
  }
  let grid: ReturnType<typeof regularize>;
  try {
    grid = regularize(input.times, input.values, step);
  } catch (err) {
    throw new Error(`series '${input.name}': ${(err as Error).message.replace(/^regularize: /, '')}`);
  }
  const intervalSeconds = input.kind === 'time' ? grid.step / MS_PER_SECOND : undefined;
  const periods =
    season !== undefined
      ? periodsForSeason(season, grid.values, intervalSeconds)
      : detectSeasonality(grid.values, intervalSeconds ? { intervalSeconds } : {}).periods;
  return { input, grid, periods, ...(intervalSeconds ? { intervalSeconds } : {}) };
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function toCsv(prepared: PreparedSeries[], results: ForecastJobResult[], horizon: number): string {
  const lines = ['series,step,timestamp,mean,lower,upper'];
  prepared.forEach((p, i) => {
    const forecast = results[i]?.result?.forecast;
    if (!forecast) throw new Error(`series '${p.input.name}': no forecast was produced`);
    const last = p.grid.start + (p.grid.values.length - 1) * p.grid.step;
    const name = csvField(p.input.name);
    for (let k = 1; k <= horizon; k++) {
      const t = last + k * p.grid.step;
      const timestamp = p.input.kind === 'time' ? new Date(t).toISOString() : String(t);
      lines.push(
        `${name},${k},${timestamp},${forecast.mean[k - 1]},${forecast.lower[0]?.[k - 1]},${forecast.upper[0]?.[k - 1]}`,
      );
    }
  });
  return `${lines.join('\n')}\n`;
}

function summary(
  prepared: PreparedSeries[],
  results: ForecastJobResult[],
  seconds: number,
  cpuSeconds: number,
  workers: number,
): string {
  const models = new Map<string, number>();
  const fallbacks = new Map<string, number>();
  for (const r of results) {
    const res = r.result;
    if (!res) continue;
    models.set(res.model, (models.get(res.model) ?? 0) + 1);
    if (res.fallback) {
      const key = `${res.fallback.from}: ${res.fallback.reason}`;
      fallbacks.set(key, (fallbacks.get(key) ?? 0) + 1);
    }
  }
  const filled = prepared.reduce((sum, p) => sum + p.grid.filled, 0);
  const fallbackCount = [...fallbacks.values()].reduce((a, b) => a + b, 0);
  const lines = [
    `hydra forecast: ${prepared.length} series in ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s) on ${workers} worker(s); models: ${[...models].map(([m, c]) => `${m}=${c}`).join(', ')}`,
    `  gaps filled by interpolation: ${filled} point(s); fallbacks to seasonal-naive: ${fallbackCount}`,
    ...[...fallbacks].map(([k, c]) => `    ${c}× ${k}`),
  ];
  return lines.join('\n');
}

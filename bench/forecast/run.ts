/**
 * Forecasting benchmark: `npx tsx bench/forecast/run.ts`. Generates the seeded hourly and 5-minute
 * suites (generate.ts), forecasts each held-out tail with every model and with the automatic choice,
 * and reports sMAPE, MASE, the ratio of MASE to seasonal naive's, the share of series where the model
 * beats seasonal naive, 95 % interval coverage and seconds per series. Writes bench/forecast/results.json
 * and the "Forecasting" section of bench/README.md. `--readme-only` re-renders that section from the
 * saved results.json and cli-results.json without re-running the models.
 */
import { existsSync, writeFileSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { detectSeasonality, forecastSeries, mase, regularize, smape } from '@hydra/analytics';
import { FIVE_MINUTE, generateSuite, HOURLY, type BenchSeries } from './generate.ts';

const SEED = 42;
const HOURLY_COUNT = 56;
const FIVE_MINUTE_COUNT = 28;
const LEVELS = [0.8, 0.95];
const MODELS = ['seasonal-naive', 'holt-winters', 'linear-trend', 'mstl', 'arima', 'prophet', 'auto'];
const BASELINE = 'seasonal-naive';
const RESULTS_FILE = new URL('./results.json', import.meta.url);
const README_FILE = new URL('../README.md', import.meta.url);
const SECTION_HEADING = '## Forecasting';
const CLI_RESULTS_FILE = new URL('./cli-results.json', import.meta.url);

interface CliResult {
  date: string;
  machine: string;
  series: number;
  points: number;
  horizon: number;
  wallSecondsIncludingStartup: number;
  cpuSeconds: number;
  workers: number;
  loadAverageBefore: number;
}

/** The `hydra forecast` throughput paragraph, from cli-throughput.ts's last run. */
function cliParagraph(): string[] {
  if (!existsSync(CLI_RESULTS_FILE))
    return ['`hydra forecast` throughput: run `npx tsx bench/forecast/cli-throughput.ts`.', ''];
  const r = JSON.parse(readFileSync(CLI_RESULTS_FILE, 'utf8')) as CliResult;
  return [
    `**\`hydra forecast\` throughput** (\`npx tsx bench/forecast/cli-throughput.ts\`, ${r.date}, ${r.machine}): ${r.series} hourly series × ${r.points} points, horizon ${r.horizon}, automatic choice, ${r.workers} worker threads:`,
    `${r.wallSecondsIncludingStartup.toFixed(1)} s wall-clock including start-up, ${r.cpuSeconds.toFixed(1)} s of CPU (${((1000 * r.cpuSeconds) / r.series).toFixed(0)} ms per series), with a load average of ${r.loadAverageBefore.toFixed(1)} from other jobs on the machine when it started.`,
    '',
  ];
}

interface Row {
  model: string;
  smape: number;
  mase: number;
  ratio: number;
  beatsBaseline: number;
  coverage95: number;
  secondsPerSeries: number;
  fallbacks: number;
}

interface SuiteResult {
  suite: string;
  series: number;
  horizon: number;
  rows: Row[];
  chosen: Record<string, number>;
}

function runSuite(label: string, series: BenchSeries[]): SuiteResult {
  const perModel = new Map<
    string,
    { smape: number[]; mase: number[]; covered: number; total: number; seconds: number; fallbacks: number }
  >();
  for (const m of MODELS) perModel.set(m, { smape: [], mase: [], covered: 0, total: 0, seconds: 0, fallbacks: 0 });
  const chosen: Record<string, number> = {};
  const horizon = series[0]?.future.length ?? 0;
  for (const s of series) {
    const grid = regularize(s.times, s.values);
    const periods = detectSeasonality(grid.values, { intervalSeconds: s.intervalSeconds }).periods;
    const scalePeriod = Math.round(86_400 / s.intervalSeconds);
    for (const model of MODELS) {
      const t0 = performance.now();
      const result = forecastSeries(
        { values: grid.values, periods, intervalSeconds: s.intervalSeconds },
        horizon,
        LEVELS,
        { model },
      );
      const seconds = (performance.now() - t0) / 1000;
      const acc = perModel.get(model)!;
      acc.seconds += seconds;
      acc.smape.push(smape(s.future, result.forecast.mean));
      acc.mase.push(mase(s.future, result.forecast.mean, grid.values, scalePeriod));
      const lower = result.forecast.lower[1] ?? [];
      const upper = result.forecast.upper[1] ?? [];
      s.future.forEach((v, i) => {
        if (v >= (lower[i] as number) && v <= (upper[i] as number)) acc.covered++;
      });
      acc.total += s.future.length;
      if (result.fallback) acc.fallbacks++;
      if (model === 'auto') chosen[result.model] = (chosen[result.model] ?? 0) + 1;
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const base = perModel.get(BASELINE)!;
  const rows = MODELS.map((model) => {
    const acc = perModel.get(model)!;
    return {
      model,
      smape: mean(acc.smape),
      mase: mean(acc.mase),
      ratio: mean(acc.mase) / mean(base.mase),
      beatsBaseline: acc.mase.filter((v, i) => v < (base.mase[i] as number)).length / acc.mase.length,
      coverage95: acc.covered / acc.total,
      secondsPerSeries: acc.seconds / series.length,
      fallbacks: acc.fallbacks,
    };
  });
  return { suite: label, series: series.length, horizon, rows, chosen };
}

function table(result: SuiteResult): string {
  const lines = [
    `**${result.suite}** — ${result.series} series, horizon ${result.horizon}; automatic choice picked: ${Object.entries(
      result.chosen,
    )
      .map(([m, c]) => `${m} ${c}`)
      .join(', ')}`,
    '',
    '| model | sMAPE % | MASE | MASE ÷ seasonal naive | beats seasonal naive | 95 % coverage | s / series | fallbacks |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of result.rows) {
    lines.push(
      `| ${r.model === 'auto' ? '**auto**' : r.model} | ${r.smape.toFixed(2)} | ${r.mase.toFixed(3)} | ${r.ratio.toFixed(3)} | ${(100 * r.beatsBaseline).toFixed(0)} % | ${(100 * r.coverage95).toFixed(1)} % | ${r.secondsPerSeries.toFixed(3)} | ${r.fallbacks} |`,
    );
  }
  return lines.join('\n');
}

function writeReadme(results: SuiteResult[], machine: string, date: string): void {
  const text = readFileSync(README_FILE, 'utf8');
  const start = text.indexOf(SECTION_HEADING);
  if (start < 0) throw new Error(`bench/README.md has no '${SECTION_HEADING}' heading`);
  const next = text.indexOf('\n## ', start + SECTION_HEADING.length);
  const section = [
    SECTION_HEADING,
    '',
    `\`npx tsx bench/forecast/run.ts\` — ${date}, ${machine}. Seeded synthetic monitoring series (bench/forecast/generate.ts:`,
    'traffic, CPU, disk, latency, temperature, backlog, orders; daily and weekly cycles, trends, level shifts, spikes,',
    '2 % missing points and outage gaps), held-out tails never seen by the models. MASE is scaled by the in-sample',
    'seasonal-naive error with a daily season; "MASE ÷ seasonal naive" is the ratio of mean MASEs (below 1 is better);',
    '"beats seasonal naive" is the share of series with a lower MASE than the baseline. Times are single-threaded',
    'wall-clock seconds per series on a machine shared with other jobs. `auto` is the rolling-origin choice of',
    'docs/forecasting.md (two holdout windows, MASE, combination of the best two, MSTL kept unless beaten by 10 %,',
    '250 ms wall-clock budget per series — under heavy load it skips the slower candidates).',
    '',
    ...results.flatMap((r) => [table(r), '']),
    ...cliParagraph(),
  ].join('\n');
  const rest = next < 0 ? '' : text.slice(next);
  writeFileSync(
    README_FILE,
    `${text.slice(0, start)}${section}${rest.startsWith('\n') ? rest : `\n${rest}`}`.replace(/\n+$/, '\n'),
  );
}

if (process.argv.includes('--readme-only')) {
  // Re-render the README section from the last results.json (e.g. after cli-throughput.ts ran).
  const saved = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as {
    date: string;
    machine: string;
    suites: SuiteResult[];
  };
  writeReadme(saved.suites, saved.machine, saved.date);
} else {
  const hourly = runSuite(
    'Hourly (5 weeks of history, 48 h ahead)',
    generateSuite({ ...HOURLY, seed: SEED, count: HOURLY_COUNT }),
  );
  const fiveMinute = runSuite(
    '5-minute (4 days of history, 12 h ahead)',
    generateSuite({ ...FIVE_MINUTE, seed: SEED + 1, count: FIVE_MINUTE_COUNT }),
  );
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
  const date = new Date().toISOString().slice(0, 10);
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify({ date, machine, seed: SEED, suites: [hourly, fiveMinute] }, null, 2)}\n`,
  );
  writeReadme([hourly, fiveMinute], machine, date);
  for (const r of [hourly, fiveMinute]) console.log(`${table(r)}\n`);
}

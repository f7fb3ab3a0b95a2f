/**
 * Per-series breakdown of the forecasting benchmark: `npx tsx bench/forecast/breakdown.ts [suite] [--models a,b]`.
 * For each series of a suite (default real-hourly): length, detected periods, the MASE of each model and of the
 * automatic choice, what the choice picked, and the series' share of the suite's summed MASE, worst first. Finds
 * which series and which models make the suite's mean. `auto:raw` is the automatic choice without the
 * outlier cleaning of the fitting copy.
 */
import { detectSeasonality, forecastSeries, mase, regularize } from '@hydra/analytics';
import { FIVE_MINUTE, generateSuite, HOURLY } from './generate.ts';
import { loadRealSeries, type BenchCase } from './real-data.ts';

const args = process.argv.slice(2);
const suite = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--models') ?? 'real-hourly';
const modelsArg = args.flatMap((a, i) => (a === '--models' ? (args[i + 1] ?? '').split(',') : []));
const MODELS = modelsArg.length
  ? modelsArg
  : ['seasonal-naive', 'mstl', 'ets', 'arima', 'optimised-theta', 'ensemble', 'auto'];

type Case = BenchCase;
function load(): Case[] {
  const real = loadRealSeries();
  if (suite === 'real-hourly') return real.hourly;
  if (suite === 'real-5m') return real.fiveMinute;
  const gen =
    suite === 'synthetic-hourly'
      ? generateSuite({ ...HOURLY, seed: 42, count: 56 })
      : generateSuite({ ...FIVE_MINUTE, seed: 43, count: 28 });
  return gen.map((s) => ({
    name: s.name,
    intervalSeconds: s.intervalSeconds,
    history: regularize(s.times, s.values).values,
    future: s.future,
  }));
}

const rows: { name: string; n: number; periods: string; scores: number[]; picked: string; labelled: number }[] = [];
for (const c of load()) {
  const periods = detectSeasonality(c.history, { intervalSeconds: c.intervalSeconds }).periods;
  const scale = Math.round(86_400 / c.intervalSeconds);
  let picked = '';
  const scores = MODELS.map((model) => {
    const [name, variant] = model.split(':');
    const r = forecastSeries(
      { values: c.history, periods, intervalSeconds: c.intervalSeconds },
      c.future.length,
      [0.95],
      {
        model: name,
        ...(variant === 'raw' ? { clean: false } : {}),
        ...(variant?.startsWith('o') ? { origins: Number(variant.slice(1)) } : {}),
      },
    );
    if (model === 'auto') {
      const lo = r.forecast.lower[0] as number[];
      const up = r.forecast.upper[0] as number[];
      const inside = c.future.filter((v, i) => v >= (lo[i] as number) && v <= (up[i] as number)).length;
      picked = `${r.model}${r.intervalScale ? ` ×${r.intervalScale.toFixed(2)}` : ''} covered ${inside}/${c.future.length}`;
    }
    return mase(c.future, r.forecast.mean, c.history, scale);
  });
  rows.push({
    name: c.name,
    n: c.history.length,
    periods: periods.join('+') || '-',
    scores,
    picked,
    labelled: c.anomalous?.filter(Boolean).length ?? 0,
  });
  process.stderr.write('.');
}
process.stderr.write('\n');
const total = MODELS.map((_, k) => rows.reduce((s, r) => s + (r.scores[k] as number), 0));
rows.sort((a, b) => (b.scores[0] as number) - (a.scores[0] as number));
console.log(['series', 'n', 'periods', 'lab', ...MODELS, 'picked'].join('\t'));
for (const r of rows)
  console.log([r.name, r.n, r.periods, r.labelled, ...r.scores.map((s) => s.toFixed(3)), r.picked].join('\t'));
console.log(['mean', '', '', '', ...total.map((t) => (t / rows.length).toFixed(3))].join('\t'));
console.log(['÷ snaive', '', '', '', ...total.map((t) => (t / (total[0] as number)).toFixed(3))].join('\t'));

/**
 * Forecasting one series end to end: the automatic choice of model by rolling-origin holdout, the
 * final fit, and the guards with their fallback to seasonal naive.
 *
 * Selection: the last `origins`·v points (v = min(h, ⌊n/4⌋)) are cut into `origins` windows; each
 * eligible candidate is fitted on the data before each window and scored by MASE on it (scale from
 * that training data). The equal-weight combination of the two best candidates is scored too, from the
 * same holdout forecasts (no extra fits). The lowest mean MASE wins, except that the preferred model
 * (MSTL) is kept unless the best beats it by more than 10 %: two windows rank close models by noise.
 * Candidates run in `DEFAULT_CANDIDATES` order under a per-series time budget: once it is spent the
 * remaining ones are skipped (and listed as skipped); the first (the seasonal-naive baseline by
 * default) always runs. A candidate that throws or fails the guards on a window scores +∞. Too short for even one window:
 * damped Holt when it can be fitted, else seasonal naive.
 * Final: the winner is refitted on all the data; if it throws or its forecast fails the guards, the
 * seasonal naive forecast is returned instead and the reason is recorded in `fallback`.
 */
import type { FittedModel, Forecaster, ForecastResult, ForecastInput } from './types.ts';
import { DEFAULT_CANDIDATES, forecasterByName } from './registry.ts';
import { baselinePeriod, fitSeasonalNaive, seasonalNaive } from './seasonal-naive.ts';
import { holtWinters } from './holt-winters.ts';
import { checkForecast } from './guards.ts';
import { mase } from './accuracy.ts';
import { averageForecasts, combinationName, combineModels } from './combination.ts';

export const DEFAULT_ORIGINS = 2;
export const DEFAULT_BUDGET_MS = 250;
/** Shortest training window a holdout origin may leave. */
const MIN_TRAINING_POINTS = 8;
/** How many of the best candidates the combination averages. */
const COMBINATION_SIZE = 2;
/** The model kept unless another beats its holdout MASE by more than `DEFAULT_PREFERENCE_MARGIN`. */
export const DEFAULT_PREFERRED_MODEL = 'mstl';
export const DEFAULT_PREFERENCE_MARGIN = 0.1;

export interface ForecastOptions {
  /** A forecaster name, or `auto` (the default) for the automatic choice. */
  model?: string;
  /** Candidates of the automatic choice (default `DEFAULT_CANDIDATES`). */
  candidates?: readonly Forecaster[];
  origins?: number;
  /** Wall-clock budget of the automatic choice per series, in milliseconds. */
  budgetMs?: number;
  /** Score the combination of the best candidates too (default true). */
  combine?: boolean;
  /** Model kept unless another beats it by the margin (default `DEFAULT_PREFERRED_MODEL`). */
  preferred?: string;
  /** Relative holdout-MASE improvement another model needs over the preferred one (default 0.1 = 10 %). */
  preferenceMargin?: number;
}

export interface CandidateScore {
  /** A forecaster name, or `combination(a+b)`. */
  model: string;
  /** Mean MASE over the holdout windows; `null` when skipped, +∞ when it failed. */
  mase: number | null;
  ms: number;
  error?: string;
  /** Members of a combination. */
  members?: string[];
}

export interface SeriesForecast {
  /** The model whose forecast was returned (`seasonal-naive` after a fallback). */
  model: string;
  description: string;
  forecast: ForecastResult;
  /** Holdout scores of the automatic choice (empty when a model was named or the series is too short). */
  scores: CandidateScore[];
  /** Holdout MASE of the returned model, when known: the fit-quality signal for time-to-threshold. */
  holdoutMase: number | null;
  /** Set when the chosen model failed and the baseline was returned instead. */
  fallback?: { from: string; reason: string };
}

/** Forecasts `h` steps of `series` with intervals at `levels` (see the module comment). */
export function forecastSeries(
  series: ForecastInput,
  h: number,
  levels: readonly number[],
  options: ForecastOptions = {},
): SeriesForecast {
  const n = series.values.length;
  if (n === 0) throw new RangeError('forecastSeries: the series is empty');
  if (!Number.isInteger(h) || h < 1)
    throw new RangeError(`forecastSeries: horizon must be a positive integer, got ${h}`);
  const requested = options.model ?? 'auto';
  let members: Forecaster[];
  let scores: CandidateScore[] = [];
  let holdoutMase: number | null = null;
  if (requested === 'auto') {
    scores = selectByHoldout(series, h, options);
    const best = pickWinner(
      scores,
      options.preferred ?? DEFAULT_PREFERRED_MODEL,
      options.preferenceMargin ?? DEFAULT_PREFERENCE_MARGIN,
    );
    const fallback = n >= holtWinters.minLength(series.periods) ? holtWinters : seasonalNaive;
    members = best ? (best.members ?? [best.model]).map(forecasterByName) : [fallback];
    holdoutMase = best?.mase ?? null;
  } else {
    members = [forecasterByName(requested)];
  }
  const name = members.length === 1 ? (members[0] as Forecaster).name : combinationName(members.map((m) => m.name));
  const tooShort = members.find((m) => n < m.minLength(series.periods));
  if (tooShort) {
    return baseline(series, h, levels, scores, {
      from: name,
      reason: `${tooShort.name} needs ${tooShort.minLength(series.periods)} points, has ${n}`,
    });
  }
  try {
    const fitted: FittedModel[] = members.map((m) => m.fit(series));
    const model = fitted.length === 1 ? (fitted[0] as FittedModel) : combineModels(fitted);
    const forecast = model.predict(h, levels);
    const reason = checkForecast(series.values, forecast);
    if (reason) return baseline(series, h, levels, scores, { from: name, reason });
    return { model: model.model, description: model.description, forecast, scores, holdoutMase };
  } catch (err) {
    return baseline(series, h, levels, scores, {
      from: name,
      reason: err instanceof Error ? err.message : String(err),
    });
  }
}

/**
 * The candidate with the lowest holdout MASE, except that the preferred model is kept unless the best
 * beats it by more than `margin` (relative): two short holdout windows rank close models by noise, and
 * the preferred model is the one that is strongest on average.
 */
function pickWinner(scores: readonly CandidateScore[], preferred: string, margin: number): CandidateScore | undefined {
  const ranked = scores
    .filter((s) => s.mase !== null && Number.isFinite(s.mase))
    .sort((a, b) => (a.mase as number) - (b.mase as number));
  const best = ranked[0];
  const keep = ranked.find((s) => s.model === preferred);
  if (best && keep && (best.mase as number) > (1 - margin) * (keep.mase as number)) return keep;
  return best;
}

function baseline(
  series: ForecastInput,
  h: number,
  levels: readonly number[],
  scores: CandidateScore[],
  fallback: { from: string; reason: string },
): SeriesForecast {
  const fitted = fitSeasonalNaive(series.values, baselinePeriod(series.periods, series.values.length));
  const score = scores.find((s) => s.model === seasonalNaive.name)?.mase ?? null;
  return {
    model: fitted.model,
    description: fitted.description,
    forecast: fitted.predict(h, levels),
    scores,
    holdoutMase: score,
    fallback,
  };
}

interface Origin {
  training: number[];
  actual: number[];
  scalePeriod: number;
}

function holdoutOrigins(series: ForecastInput, h: number, count: number): Origin[] {
  const n = series.values.length;
  const window = Math.min(h, Math.floor(n / 4));
  const origins: Origin[] = [];
  if (window < 1) return origins;
  for (let k = 1; k <= count; k++) {
    const trainEnd = n - k * window;
    if (trainEnd < MIN_TRAINING_POINTS) break;
    const training = series.values.slice(0, trainEnd);
    origins.push({
      training,
      actual: series.values.slice(trainEnd, trainEnd + window),
      scalePeriod: baselinePeriod(series.periods, trainEnd),
    });
  }
  return origins;
}

/** Scores the candidates (and the combination of the best) on rolling-origin holdout windows. */
export function selectByHoldout(series: ForecastInput, h: number, options: ForecastOptions = {}): CandidateScore[] {
  const origins = holdoutOrigins(series, h, options.origins ?? DEFAULT_ORIGINS);
  if (origins.length === 0) return [];
  const budgetMs = options.budgetMs ?? DEFAULT_BUDGET_MS;
  const started = performance.now();
  const scores: CandidateScore[] = [];
  const forecasts = new Map<string, number[][]>();
  for (const candidate of options.candidates ?? DEFAULT_CANDIDATES) {
    if (candidate.autoEligible && !candidate.autoEligible(series)) continue;
    const t0 = performance.now();
    if (scores.length > 0 && t0 - started > budgetMs) {
      scores.push({ model: candidate.name, mase: null, ms: 0, error: 'skipped: time budget spent' });
      continue;
    }
    const means: number[][] = [];
    let error: string | undefined;
    for (const origin of origins) {
      if (origin.training.length < candidate.minLength(series.periods)) {
        error = `needs ${candidate.minLength(series.periods)} points to train`;
        break;
      }
      try {
        const forecast = candidate.fit({ ...series, values: origin.training }).predict(origin.actual.length, []);
        const reason = checkForecast(origin.training, forecast);
        if (reason) {
          error = `guard: ${reason}`;
          break;
        }
        means.push(forecast.mean);
      } catch (err) {
        error = err instanceof Error ? err.message : String(err);
        break;
      }
    }
    const ms = performance.now() - t0;
    if (error) {
      scores.push({ model: candidate.name, mase: Number.POSITIVE_INFINITY, ms, error });
    } else {
      forecasts.set(candidate.name, means);
      scores.push({ model: candidate.name, mase: meanMase(origins, means), ms });
    }
  }
  if (options.combine ?? true) {
    const best = scores
      .filter((s) => s.mase !== null && Number.isFinite(s.mase))
      .sort((a, b) => (a.mase as number) - (b.mase as number))
      .slice(0, COMBINATION_SIZE)
      .map((s) => s.model);
    if (best.length === COMBINATION_SIZE) {
      const means = origins.map(
        (_, o) =>
          averageForecasts(best.map((m) => ({ mean: forecasts.get(m)?.[o] ?? [], levels: [], lower: [], upper: [] })))
            .mean,
      );
      scores.push({ model: combinationName(best), mase: meanMase(origins, means), ms: 0, members: best });
    }
  }
  return scores;
}

function meanMase(origins: readonly Origin[], means: readonly number[][]): number {
  let total = 0;
  origins.forEach((o, i) => {
    total += mase(o.actual, means[i] ?? [], o.training, o.scalePeriod);
  });
  return total / origins.length;
}

/**
 * One pass of the anomaly job for one monitor (`hydra job anomaly`, the
 * Kubernetes CronJob, and `hydra up`'s scheduler all run this function):
 *
 * 1. pages through the monitor's series (selector → findSeries), keeping those
 *    of this shard (stable hash of the series id);
 * 2. takes each series' detector as it was at the checkpoint: from the
 *    in-process cache (`hydra up`), else restored from its saved state
 *    (anomaly_detector_state, when made by this DETECTOR_STATE_VERSION under
 *    the same detector, options and step, at exactly the checkpoint), else
 *    none: then it is rebuilt by replaying warm-up history;
 * 3. reads each series at the job's step (1-minute averages; per-second rates
 *    for counters) from its checkpoint — only the new points for a detector
 *    it has, plus warm-up history (capped at `maxHistoryPoints`) for one it
 *    rebuilds — one range query per page and aggregation;
 * 4. scores the points causally with the monitor's detector and options;
 * 5. upserts score, expected, lower, upper per point of the page in one
 *    transaction (idempotent: a rerun rewrites the same rows), then hands the
 *    recent points to the AlertService (one statement finds the page's open
 *    alerts; only those and the firing series cost more), then advances the
 *    page's checkpoints and saves its detectors' states in one transaction —
 *    so a pass that dies part-way is safe to rerun (the AlertService ignores
 *    points it has seen), and a saved state always matches its checkpoint.
 *    A page is written while the next one is read and scored.
 *
 * A pass therefore costs in proportion to the new points once every series
 * has a state (the first pass, a changed monitor, or a new state version
 * replay). Memory is bounded by two pages of series × the history cap.
 */
import { parseDuration } from '@hydra/schema';
import type { Logger } from '@hydra/logging';
import { createHash } from 'node:crypto';
import {
  getDetector,
  valueDomainOf,
  ANOMALY_THRESHOLD,
  DETECTOR_STATE_VERSION,
  DetectorStateError,
  type OnlineDetector,
} from '@hydra/analytics';
import {
  advanceCheckpoints,
  countFiring,
  queryRange,
  readCheckpoints,
  readDetectorStates,
  ScorePartitions,
  type CheckpointAdvance,
  writeScores,
  type Database,
  type RangeSeries,
  type ScoreRow,
  type SeriesInfo,
} from '@hydra/storage';
import type { AlertService } from '../alerts/service.ts';
import { DEFAULT_RESOLVE_AFTER, DEFAULT_RESOLVE_THRESHOLD } from '../alerts/service.ts';
import type { DetectorCache } from './detector-cache.ts';
import { detectorOptions, type MonitorRef } from './monitor.ts';
import { timedPass } from './duration.ts';
import { histogramQuantileSteps } from './histogram-quantiles.ts';
import { forEachShardedSeriesPage } from './series-pages.ts';
import { ALL_SERIES, type Shard } from './shard.ts';

/** Resolution the job scores at (one point per step: averages, or rates for counters). */
export const DEFAULT_STEP_SECONDS = 60;
/** A step's bucket is scored once it ended this long ago, so late exports are in it. */
export const DEFAULT_SETTLE_MS = 20_000;
/** Series read and scored together (one range query, one score transaction, one checkpoint transaction each). */
export const DEFAULT_PAGE_SIZE = 250;
/** Most points of history read per series (warm-up and lookback are capped to it). */
export const DEFAULT_MAX_HISTORY_POINTS = 10_000;
/** Most steps of history read per histogram series (raw histogram points are read: a day at the 1-minute step). */
export const HISTOGRAM_MAX_HISTORY_STEPS = 1_440;
/** Points older than this (before now) are scored and stored but not alerted on (a catch-up after downtime). */
export const DEFAULT_ALERT_HORIZON_MS = 30 * 60_000;
/**
 * With the in-process cache (`hydra up`), a series' detector is saved at most this often (in data time): the cache
 * serves the next pass, and a saved state that is behind its checkpoint is caught up by replaying only the points
 * between the two. Snapshotting and writing every detector every minute cost more than the scoring (a day of
 * minute points is ~25-100 kB a series).
 */
export const DEFAULT_STATE_SAVE_INTERVAL_MS = 15 * 60_000;

export interface AnomalyJobOptions {
  db: Database;
  alerts: AlertService;
  monitor: MonitorRef;
  shard?: Shard;
  /** epoch ms of this pass; default the AlertService's clock */
  now?: number;
  stepSeconds?: number;
  settleMs?: number;
  pageSize?: number;
  maxHistoryPoints?: number;
  alertHorizonMs?: number;
  /** detectors kept between passes (in-process scheduling): saves decoding the saved states */
  cache?: DetectorCache;
  /** with `cache`: save a series' detector at most this often, in data time (default DEFAULT_STATE_SAVE_INTERVAL_MS); without it every pass saves */
  stateSaveIntervalMs?: number;
  /**
   * Restore detectors from, and save them to, anomaly_detector_state (default true). false = every pass
   * rebuilds every detector by replaying history and leaves the saved states alone (the bench's baseline).
   */
  stateStore?: boolean;
  /** partition bookkeeping kept between passes */
  partitions?: ScorePartitions;
  signal?: AbortSignal;
  /** where a failure to record the pass's outcome (analysis_job_status) is logged; default defaultLogger('analysis') */
  logger?: Logger;
}

export interface AnomalyJobReport {
  monitor: string;
  shard: string;
  /** series of this shard the selector matched */
  series: number;
  /** series with new points scored */
  scored: number;
  /** of those, series whose detector came from the in-process cache or a saved state (the others replayed history) */
  resumed: number;
  /** series skipped because the job cannot score their kind */
  skipped: number;
  /** the skipped series by kind, e.g. {histogram: 4} */
  skippedKinds: Record<string, number>;
  /** said in the monitor's job status when series were skipped: what was not analysed and what to select instead */
  note?: string;
  points: number;
  anomalies: number;
  /** firing alerts of the monitor after the pass */
  firing: number;
  /** epoch ms of the newest bucket this pass could score */
  until: number;
  durationMs: number;
}

interface Plan {
  series: SeriesInfo;
  checkpoint: number | null;
  detector: OnlineDetector | undefined;
  /** epoch ms of the last point `detector` learned (the checkpoint, or an older saved state's time) */
  learnedUpTo: number | null;
  /** epoch ms of the detector's newest saved state, when known (from the cache) */
  savedAt: number | null;
  readFrom: number;
  scoreFrom: number;
}

/**
 * Runs one pass (its duration goes to `hydra.jobs.duration.seconds`, its outcome to analysis_job_status); throws StorageUnavailableError when the database
 * fails (rerun later: it is safe).
 */
export function runAnomalyJob(options: AnomalyJobOptions): Promise<AnomalyJobReport> {
  return timedPass('anomaly', options.monitor, options.signal, () => anomalyPass(options), {
    db: options.db,
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

async function anomalyPass(options: AnomalyJobOptions): Promise<AnomalyJobReport> {
  const started = performance.now();
  const { db, alerts, monitor } = options;
  const spec = monitor.spec;
  if (!spec.anomaly.enabled) throw new RangeError(`monitor ${monitor.key}: spec.anomaly.enabled is false`);
  const shard = options.shard ?? ALL_SERIES;
  const now = options.now ?? alerts.now();
  const stepMs = (options.stepSeconds ?? DEFAULT_STEP_SECONDS) * 1000;
  const maxHistory = options.maxHistoryPoints ?? DEFAULT_MAX_HISTORY_POINTS;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const alertFrom = now - (options.alertHorizonMs ?? DEFAULT_ALERT_HORIZON_MS);
  const partitions = options.partitions ?? new ScorePartitions(db);
  const lastBucket = Math.floor((now - (options.settleMs ?? DEFAULT_SETTLE_MS)) / stepMs) * stepMs - stepMs;
  const historyMs = Math.min(parseDuration(spec.anomaly.lookback, 'spec.anomaly.lookback'), maxHistory * stepMs);
  const windowStart = lastBucket - historyMs + stepMs;
  const detector = getDetector(spec.anomaly.detector);
  const detectorOpts = detectorOptions(spec, stepMs);
  const config = JSON.stringify({ detector: detector.name, detectorOpts, stepMs });
  const useStore = options.stateStore !== false;
  // What a saved state must have been made with to be used: the state layout and the detector's configuration.
  const stateOf = {
    version: DETECTOR_STATE_VERSION,
    config: createHash('sha256').update(config).digest('hex').slice(0, 32),
  };
  const policy = {
    forMs: parseDuration(spec.alerting.for, 'spec.alerting.for'),
    resolveAfter: DEFAULT_RESOLVE_AFTER,
    fireThreshold: ANOMALY_THRESHOLD,
    resolveThreshold: DEFAULT_RESOLVE_THRESHOLD,
  };
  const report: AnomalyJobReport = {
    monitor: monitor.key,
    shard: `${shard.index}/${shard.count}`,
    series: 0,
    scored: 0,
    resumed: 0,
    skipped: 0,
    skippedKinds: {},
    points: 0,
    anomalies: 0,
    firing: 0,
    until: lastBucket,
    durationMs: 0,
  };

  const paging = { shard, pageSize, ...(options.signal ? { signal: options.signal } : {}) };
  const skippedMetrics = new Set<string>();
  let writing: Promise<void> = Promise.resolve();
  await forEachShardedSeriesPage(db, spec, paging, async (mine) => {
    report.series += mine.length;
    const numeric = mine.filter((s) => SCORED_KINDS.has(s.kind));
    report.skipped += mine.length - numeric.length;
    for (const s of mine) {
      if (SCORED_KINDS.has(s.kind)) continue;
      report.skippedKinds[s.kind] = (report.skippedKinds[s.kind] ?? 0) + 1;
      skippedMetrics.add(s.metric);
    }
    if (numeric.length > 0) {
      const checkpoints = await readCheckpoints(
        db,
        monitor.key,
        numeric.map((s) => s.id),
      );
      const plans = numeric.flatMap((s): Plan[] => {
        const checkpoint = checkpoints.get(s.id) ?? null;
        // raw histogram points are read, not rollups: a shorter history
        const start = isHistogram(s)
          ? Math.max(windowStart, lastBucket - (HISTOGRAM_MAX_HISTORY_STEPS - 1) * stepMs)
          : windowStart;
        const scoreFrom = Math.max(checkpoint === null ? start : checkpoint + stepMs, start);
        if (scoreFrom > lastBucket) return [];
        const cached = checkpoint === null ? undefined : options.cache?.take(monitor.key, s.id, config, checkpoint);
        return [
          {
            series: s,
            checkpoint,
            detector: cached?.detector,
            learnedUpTo: cached ? checkpoint : null,
            savedAt: cached?.savedTime ?? null,
            readFrom: cached ? scoreFrom : start,
            scoreFrom,
          },
        ];
      });
      if (useStore) await restoreDetectors(plans);
      const done: Array<{ plan: Plan; rows: ScoreRow[]; detector: OnlineDetector }> = [];
      for (const group of groupForReading(plans)) {
        const points = await readPoints(db, group, lastBucket, stepMs, spec.anomaly.quantile);
        for (const plan of group) {
          options.signal?.throwIfAborted();
          const scored = scoreSeries(plan, points.get(plan.series.id) ?? [], lastBucket);
          if (scored.rows.length > 0) done.push({ plan, ...scored });
        }
      }
      // This page is written while the next one is read and scored (at most one page in flight): the
      // database works on the writes while this process scores, so both cores are busy.
      await writing;
      writing = commitPage(done);
      writing.catch(() => undefined); // the failure is thrown where `writing` is awaited
    }
  });
  await writing;
  report.firing = (await countFiring(db)).get(monitor.key) ?? 0;
  if (report.skipped > 0) report.note = skippedNote(report, [...skippedMetrics]);
  report.durationMs = Math.round(performance.now() - started);
  return report;

  /** Writes a page's scores, hands them to the alerts, then advances its checkpoints with its detectors' states. */
  async function commitPage(done: Array<{ plan: Plan; rows: ScoreRow[]; detector: OnlineDetector }>): Promise<void> {
    const advances: CheckpointAdvance[] = [];
    if (done.length > 0) {
      const rows = done.flatMap((d) => d.rows);
      await partitions.ensureFor(rows.map((r) => r.time));
      await writeScores(db, monitor.key, rows);
    }
    const observed = done.flatMap(({ plan, rows }) => {
      const recent = rows.filter((r) => r.time >= alertFrom);
      if (recent.length === 0) return [];
      return [
        {
          monitor: monitor.key,
          seriesId: plan.series.id,
          metric: plan.series.metric,
          unit: plan.series.unit,
          ...(isHistogram(plan.series) ? { statistic: quantileName(spec.anomaly.quantile) } : {}),
          labels: plan.series.labels,
          detector: detector.name,
          severity: spec.alerting.severity,
          policy,
          observations: recent,
        },
      ];
    });
    options.signal?.throwIfAborted();
    await alerts.observeAnomaliesMany(observed);
    const saveEvery = options.cache ? (options.stateSaveIntervalMs ?? DEFAULT_STATE_SAVE_INTERVAL_MS) : 0;
    const savedTimes = new Map<number, number | null>();
    for (const { plan, rows, detector: online } of done) {
      const last = rows.at(-1)!.time;
      // Without the cache every pass saves (the next pass is another process); with it, every saveEvery.
      const due = plan.savedAt === null || last - plan.savedAt >= saveEvery;
      const state = useStore && due ? online.snapshot?.() : undefined;
      savedTimes.set(plan.series.id, state ? last : plan.savedAt);
      advances.push({ seriesId: plan.series.id, lastTime: last, ...(state ? { state } : {}) });
      report.scored += 1;
      if (plan.detector) report.resumed += 1;
      report.points += rows.length;
      report.anomalies += rows.filter((r) => r.score > ANOMALY_THRESHOLD).length;
    }
    // The checkpoints and the states they go with, in one transaction; the cache learns them once committed.
    await advanceCheckpoints(db, monitor.key, advances, useStore ? stateOf : null);
    for (const { plan, rows, detector: online } of done) {
      const savedTime = savedTimes.get(plan.series.id) ?? null;
      options.cache?.put(monitor.key, plan.series.id, {
        detector: online,
        config,
        lastTime: rows.at(-1)!.time,
        savedTime,
      });
    }
  }

  /**
   * Gives each plan without a cached detector its saved one, if usable: made at its checkpoint, or before it (saved
   * less often than the checkpoint advances) but inside the history read, when the points between are replayed
   * into it (learned, not scored again: their scores are committed).
   */
  async function restoreDetectors(plans: Plan[]): Promise<void> {
    const wanted = plans.filter((p) => !p.detector && p.checkpoint !== null);
    if (wanted.length === 0) return;
    const saved = await readDetectorStates(
      db,
      monitor.key,
      wanted.map((p) => p.series.id),
      stateOf,
    );
    for (const plan of wanted) {
      const found = saved.get(plan.series.id);
      if (!found || found.lastTime > plan.checkpoint! || found.lastTime + stepMs < plan.readFrom) continue;
      const online = createOnline(plan.series);
      if (!online.restore) continue;
      try {
        online.restore(found.state);
      } catch (err) {
        // A state this build cannot read: replay history instead (and overwrite it at the end of the pass).
        if (err instanceof DetectorStateError) continue;
        throw err;
      }
      plan.detector = online;
      plan.learnedUpTo = found.lastTime;
      plan.savedAt = found.lastTime;
      plan.readFrom = found.lastTime + stepMs;
    }
  }

  function createOnline(series: SeriesInfo): OnlineDetector {
    // The band respects what the metric is: a counter's rate, a size or a count never below 0, a utilization in range.
    const domain = valueDomainOf(series);
    return detector.create(domain ? { ...detectorOpts, domain } : detectorOpts);
  }

  function scoreSeries(
    plan: Plan,
    points: ReadonlyArray<[number, number]>,
    upTo: number,
  ): { rows: ScoreRow[]; detector: OnlineDetector } {
    const online = plan.detector ?? createOnline(plan.series);
    const rows: ScoreRow[] = [];
    for (const [time, value] of points) {
      if (time > upTo) break;
      // A cached or restored detector has learned everything up to learnedUpTo already.
      if (plan.learnedUpTo !== null && time <= plan.learnedUpTo) continue;
      const r = online.push(time, value);
      if (time >= plan.scoreFrom) rows.push({ seriesId: plan.series.id, time, value, ...r });
    }
    return { rows, detector: online };
  }
}

/** `p95` for 0.95, `p99.9` for 0.999. */
export function quantileName(q: number): string {
  return `p${Number((q * 100).toPrecision(6))}`;
}

/** Kinds the job scores: gauges as step averages, counters as rates, histograms as a quantile per step. */
const SCORED_KINDS = new Set(['gauge', 'sum', 'histogram', 'exponential_histogram']);

function isHistogram(s: Pick<SeriesInfo, 'kind'>): boolean {
  return s.kind === 'histogram' || s.kind === 'exponential_histogram';
}

/**
 * What the monitor's status says when it selects series the job does not score: how many of which kind, and
 * which numeric series to select instead (a histogram's `_count` rate and `_sum`, which the collector stores
 * beside it).
 */
export function skippedNote(
  report: Pick<AnomalyJobReport, 'skipped' | 'series' | 'skippedKinds'>,
  metrics: string[],
): string {
  const kinds = Object.entries(report.skippedKinds)
    .map(([kind, n]) => `${n} ${kind.replace('_', ' ')}`)
    .join(', ');
  const names = metrics.slice(0, 3);
  const instead = names.map((m) => `${m}_count or ${m}_sum`).join('; ');
  return (
    `${report.skipped} of ${report.series} series not analysed: ${kinds} series (${names.join(', ')}) — the anomaly ` +
    `job scores gauges, counters and histograms; select ${instead} (their rate and total) instead`
  );
}

/**
 * Counters (monotonic sums, cumulative or delta) are scored as per-second rates, histograms as the
 * monitor's anomaly.quantile of each step's observations, everything else as step averages.
 */
function aggregationOf(s: SeriesInfo): 'rate' | 'avg' | 'quantile' {
  if (isHistogram(s)) return 'quantile';
  return s.kind === 'sum' && s.monotonic ? 'rate' : 'avg';
}

/** Plans grouped so one range query serves each group (same aggregation; warm and cold apart). */
function groupForReading(plans: readonly Plan[]): Plan[][] {
  const groups = new Map<string, Plan[]>();
  for (const p of plans) {
    const key = `${aggregationOf(p.series)}:${p.detector ? 'warm' : 'cold'}`;
    const group = groups.get(key) ?? [];
    group.push(p);
    groups.set(key, group);
  }
  return [...groups.values()];
}

async function readPoints(
  db: Database,
  group: readonly Plan[],
  lastBucket: number,
  stepMs: number,
  quantile: number,
): Promise<Map<number, Array<[number, number]>>> {
  // One step earlier than needed: a rate's first bucket needs the bucket before it.
  const from = Math.min(...group.map((p) => p.readFrom)) - stepMs;
  const aggregation = aggregationOf(group[0]!.series);
  if (aggregation === 'quantile') return readHistogramQuantiles(db, group, from, lastBucket, stepMs, quantile);
  const result = await queryRange(db, {
    matchers: [],
    seriesIds: group.map((p) => p.series.id),
    from: new Date(from),
    to: new Date(lastBucket),
    stepSeconds: stepMs / 1000,
    aggregation,
    maxSeries: group.length,
    maxPoints: group.length * (Math.ceil((lastBucket - from) / stepMs) + 1),
  });
  return new Map(result.series.map((s: RangeSeries) => [s.id, s.points]));
}

/** Raw histogram points per series over [from, the end of the last bucket), one quantile per step. */
async function readHistogramQuantiles(
  db: Database,
  group: readonly Plan[],
  from: number,
  lastBucket: number,
  stepMs: number,
  q: number,
): Promise<Map<number, Array<[number, number]>>> {
  const result = await queryRange(db, {
    matchers: [],
    seriesIds: group.map((p) => p.series.id),
    from: new Date(from),
    to: new Date(lastBucket + stepMs - 1),
    maxSeries: group.length,
  });
  return new Map(
    result.series.map((s: RangeSeries) => [
      s.id,
      histogramQuantileSteps(s.histograms ?? [], {
        q,
        stepMs,
        fromMs: from + stepMs,
        toMs: lastBucket,
        temporality: s.temporality,
      }),
    ]),
  );
}

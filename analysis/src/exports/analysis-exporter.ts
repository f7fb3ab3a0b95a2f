/**
 * The analysis results as Prometheus gauges, exported by the API process
 * (`hydra api`, `hydra up`) from the database: in Kubernetes the jobs run in
 * short-lived CronJob pods nobody scrapes, while the API runs in every mode.
 *
 * Every `intervalMs` (first at start) a refresh reads a snapshot with one
 * statement per family group (@hydra/storage's exports module): the latest
 * anomaly result per (monitor, series), stored forecasts at the configured
 * horizons, stored threshold crossings, open alerts, the jobs' last runs and
 * their recorded health (analysis_job_status: last success, consecutive
 * failures, last duration — written by whichever process ran the pass).
 * A scrape turns the snapshot into gauges through a MetricProducer the
 * process's Prometheus exporter was built with (ANALYSIS_METRICS, see
 * metric-producer.ts) rather than through observable gauges: the SDK keeps
 * every attribute set an observable gauge ever reported for the life of the
 * process (cumulative temporality), so a series that went away would stay
 * exported with its last value, and churning series would grow without bound.
 * Bounded: at most `maxSeries` series per family (the most urgent kept; the
 * rest counted in `hydra_export_series_dropped`), results older than
 * `maxAgeMs` left out. A refresh that fails logs a warning, counts
 * `hydra_export_refresh_failures_total` and keeps the previous snapshot until
 * it is `maxAgeMs` old — but only when the lease was confirmed: a refresh that
 * cannot confirm it drops the snapshot, since another replica may export now.
 * One exporter per database: every API replica reads the same tables, so only
 * the holder of an advisory lock (@hydra/storage's AdvisoryLease) exports the
 * analysis families; the others export `hydra_export_leader 0` and take over
 * within one interval when the holder goes away.
 *
 * Component contract: `start()`, `refresh()`, `shutdown()` (idempotent, safe without start).
 */
import { parseDuration } from '@hydra/schema';
import { defaultLogger, type Logger } from '@hydra/logging';
import { metrics, type Attributes, type Meter } from '@opentelemetry/api';
import {
  AdvisoryLease,
  ANALYSIS_EXPORT_LEASE,
  activeAlertCounts,
  analysisJobHealth,
  analysisLastRuns,
  forecastsAtHorizons,
  latestAnomalies,
  thresholdCountdowns,
  type Database,
} from '@hydra/storage';
import { monitorLabels, seriesAttributes } from './labels.ts';
import { ANALYSIS_METRICS, gauge, type AnalysisMetricProducer, type GaugeData } from './metric-producer.ts';

export const DEFAULT_EXPORT_INTERVAL_MS = 15_000;
export const DEFAULT_EXPORT_MAX_SERIES = 5_000;
export const DEFAULT_EXPORT_MAX_AGE_MS = 60 * 60_000;
export const DEFAULT_EXPORT_HORIZONS = '1h,6h,24h';
/** The largest HYDRA_EXPORT_MAX_SERIES. */
export const MAX_EXPORT_SERIES = 100_000;
/**
 * Extra age a stored forecast may have before it is stale: forecasts run hourly by default, so with a 1 h
 * MAX_AGE the previous pass's forecast must stay exported until the next pass has replaced it.
 */
export const FORECAST_STALENESS_GRACE_MS = 15 * 60_000;
/**
 * How far back hydra_analysis_last_run_timestamp_seconds (and the job health families, by the time of the last
 * pass) looks: a monitor whose jobs committed nothing for a day
 * (deleted, or stopped for that long) is no longer exported, so its HydraAnalysisStale alert, which fires after
 * 30 min (anomaly) or 3 h (forecast), resolves after a day instead of firing forever.
 */
export const LAST_RUN_MAX_AGE_MS = 24 * 60 * 60_000;
/** Longest shutdown() waits for a refresh in progress. */
export const SHUTDOWN_REFRESH_WAIT_MS = 2_000;

/** The Prometheus families, as the exporter names them (the OTel instrument name with `_` for `.`). */
export const FAMILIES = {
  anomalyScore: 'hydra.anomaly.score',
  anomalyObserved: 'hydra.anomaly.observed',
  anomalyExpected: 'hydra.anomaly.expected',
  anomalyLower: 'hydra.anomaly.lower',
  anomalyUpper: 'hydra.anomaly.upper',
  forecastValue: 'hydra.forecast.value',
  forecastLower: 'hydra.forecast.lower',
  forecastUpper: 'hydra.forecast.upper',
  timeToThreshold: 'hydra.forecast.time_to_threshold_seconds',
  alertsActive: 'hydra.alerts.active',
  lastRun: 'hydra.analysis.last_run_timestamp_seconds',
  lastSuccess: 'hydra.analysis.last_success_timestamp_seconds',
  consecutiveFailures: 'hydra.analysis.consecutive_failures',
  lastDuration: 'hydra.analysis.last_duration_seconds',
} as const;
type Family = keyof typeof FAMILIES;

const DESCRIPTIONS: Record<Family, string> = {
  anomalyScore: 'Latest anomaly score of the series (0..1, above 0.5 is anomalous)',
  anomalyObserved: 'Observed value of the series at its latest scored point',
  anomalyExpected: 'Expected value of the series at its latest scored point',
  anomalyLower: 'Lower edge of the expected band at the latest scored point',
  anomalyUpper: 'Upper edge of the expected band at the latest scored point',
  forecastValue: 'Forecast mean of the series at now plus horizon',
  forecastLower: 'Lower edge of the forecast band at now plus horizon',
  forecastUpper: 'Upper edge of the forecast band at now plus horizon',
  timeToThreshold: 'Seconds until the forecast mean crosses the threshold (0 when already past it)',
  alertsActive: 'Unresolved alerts by monitor, severity and state',
  lastRun: 'Unix time of the newest committed result of the monitor job, by kind',
  lastSuccess: 'Unix time the last successful pass of the monitor job ended, by kind',
  consecutiveFailures: 'Failed passes of the monitor job since its last successful one, by kind',
  lastDuration: 'Wall-clock seconds of the last pass of the monitor job (success or failure), by kind',
};

/** A configured horizon: its label text (`6h`) and length. */
export interface ExportHorizon {
  label: string;
  ms: number;
}

export interface AnalysisExporterOptions {
  db: Database;
  intervalMs?: number;
  maxSeries?: number;
  maxAgeMs?: number;
  horizons?: readonly ExportHorizon[];
  /** epoch ms; default Date.now */
  now?: () => number;
  /** where scrapes read the snapshot; default ANALYSIS_METRICS (the `hydra` commands' exporter reads it) */
  producer?: AnalysisMetricProducer;
  /** the meter of hydra_export_refresh_failures_total; default the global `hydra` meter at start() */
  meter?: Meter;
  /** where a failed refresh is logged (at warn); default defaultLogger('analysis') */
  logger?: Logger;
  /** longest a query on the lease's own connection may take; default DEFAULT_LEASE_QUERY_TIMEOUT_MS (10 s) */
  leaseQueryTimeoutMs?: number;
}

interface Observation {
  value: number;
  attributes: Attributes;
}

/** What a refresh read, ready to observe. */
interface Snapshot {
  takenAt: number;
  series: Record<Exclude<Family, 'timeToThreshold'>, Observation[]>;
  /** crossing times; the gauge observes crossesAt - now at scrape time */
  crossings: Array<{ crossesAt: number; attributes: Attributes }>;
  exported: Map<string, number>;
  dropped: Map<string, number>;
}

/** `hydra_anomaly_score` for `hydra.anomaly.score`: the name of the family label. */
export const prometheusName = (instrument: string): string => instrument.replace(/\./g, '_');

export class AnalysisExporter {
  readonly #db: Database;
  readonly #intervalMs: number;
  readonly #maxSeries: number;
  readonly #maxAgeMs: number;
  readonly #horizons: readonly ExportHorizon[];
  readonly #now: () => number;
  readonly #options: AnalysisExporterOptions;
  readonly #logger: Logger;
  readonly #lease: AdvisoryLease;
  #snapshot: Snapshot | null = null;
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> | null = null;
  #unregister: (() => void) | null = null;
  #failures: { add(n: number): void } | undefined;
  #started = false;
  #stopped = false;

  /** @throws RangeError naming the option that is out of range */
  constructor(options: AnalysisExporterOptions) {
    const intervalMs = options.intervalMs ?? DEFAULT_EXPORT_INTERVAL_MS;
    const maxSeries = options.maxSeries ?? DEFAULT_EXPORT_MAX_SERIES;
    const maxAgeMs = options.maxAgeMs ?? DEFAULT_EXPORT_MAX_AGE_MS;
    if (!(intervalMs >= 100))
      throw new RangeError(`AnalysisExporter: intervalMs must be at least 100, got ${intervalMs}`);
    if (!Number.isInteger(maxSeries) || maxSeries < 1 || maxSeries > MAX_EXPORT_SERIES)
      throw new RangeError(
        `AnalysisExporter: maxSeries must be a whole number in 1…${MAX_EXPORT_SERIES}, got ${maxSeries}`,
      );
    if (!(maxAgeMs > 0)) throw new RangeError(`AnalysisExporter: maxAgeMs must be positive, got ${maxAgeMs}`);
    this.#horizons = options.horizons ?? parseHorizons(DEFAULT_EXPORT_HORIZONS);
    if (new Set(this.#horizons.map((h) => h.label)).size !== this.#horizons.length)
      throw new RangeError(`AnalysisExporter: horizons must be distinct, got ${this.#horizons.map((h) => h.label)}`);
    this.#db = options.db;
    this.#intervalMs = intervalMs;
    this.#maxSeries = maxSeries;
    this.#maxAgeMs = maxAgeMs;
    this.#now = options.now ?? Date.now;
    this.#options = options;
    this.#logger = options.logger ?? defaultLogger('analysis');
    this.#lease = new AdvisoryLease(
      options.db,
      ANALYSIS_EXPORT_LEASE,
      options.leaseQueryTimeoutMs === undefined ? {} : { queryTimeoutMs: options.leaseQueryTimeoutMs },
    );
  }

  /** Whether this exporter holds the database's export lease (after its last refresh). */
  get leader(): boolean {
    return this.#lease.held;
  }

  /** Attaches to the producer and refreshes now, then every intervalMs. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    const meter = this.#options.meter ?? metrics.getMeter('hydra');
    this.#failures = meter.createCounter('hydra.export.refresh_failures', {
      description: 'Refreshes of the analysis export that failed (the previous snapshot stays until it is stale)',
    });
    const producer = this.#options.producer ?? ANALYSIS_METRICS;
    producer.attach(() => this.#gauges());
    this.#unregister = () => producer.detach();
    this.#schedule(0);
  }

  /** The snapshot as gauges (a scrape). */
  #gauges(): GaugeData[] {
    const snapshot = this.#fresh();
    const now = this.#now();
    const out: GaugeData[] = [
      gauge('hydra.export.leader', 'Whether this process exports the analysis results of its database (1) or not (0)', [
        { value: this.#lease.held ? 1 : 0, attributes: {} },
      ]),
    ];
    // a snapshot exists only if this process was the exporter at its last successful refresh (kept while
    // fresh through a database outage, like any snapshot)
    for (const family of Object.keys(FAMILIES) as Family[]) {
      if (!snapshot) continue;
      const points =
        family === 'timeToThreshold'
          ? snapshot.crossings.map((c) => ({
              value: Math.max(0, (c.crossesAt - now) / 1000),
              attributes: c.attributes,
            }))
          : snapshot.series[family];
      if (points.length > 0) out.push(gauge(FAMILIES[family], DESCRIPTIONS[family], points));
    }
    const families = Object.values(FAMILIES).map(prometheusName);
    out.push(
      gauge(
        'hydra.export.series',
        'Series of each analysis family exported by the last refresh',
        families.map((family) => ({ value: snapshot?.exported.get(family) ?? 0, attributes: { family } })),
      ),
      gauge(
        'hydra.export.series_dropped',
        'Series of each analysis family left out by the last refresh (HYDRA_EXPORT_MAX_SERIES)',
        families.map((family) => ({ value: snapshot?.dropped.get(family) ?? 0, attributes: { family } })),
      ),
    );
    return out;
  }

  /** The snapshot while it is at most maxAgeMs old, else null (nothing is exported). */
  #fresh(): Snapshot | null {
    const s = this.#snapshot;
    return s && this.#now() - s.takenAt <= this.#maxAgeMs ? s : null;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      void this.refresh().finally(() => this.#schedule(this.#intervalMs));
    }, delayMs);
    this.#timer.unref();
  }

  /**
   * Confirms the lease, then reads a new snapshot. Never rejects; a failure is logged and counted. When the lease
   * cannot be confirmed (the database does not answer) the snapshot is dropped: the lock went with the session, so
   * another replica may be exporting now. Only when the lease is confirmed and the read fails is the previous
   * snapshot kept (until it is stale).
   */
  refresh(): Promise<void> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #refresh(): Promise<void> {
    let leader: boolean;
    try {
      leader = await this.#lease.hold();
    } catch (err) {
      this.#snapshot = null;
      this.#failures?.add(1);
      this.#logger.warn(
        { err },
        `analysis export: cannot confirm the export lease, exporting nothing until it is confirmed: ${(err as Error).message}`,
      );
      return;
    }
    // a replica that is not the exporter keeps no snapshot: if it takes over later it starts fresh
    if (!leader) {
      this.#snapshot = null;
      return;
    }
    try {
      this.#snapshot = await this.#read();
    } catch (err) {
      this.#failures?.add(1);
      this.#logger.warn(
        { err },
        `analysis export: refresh failed, keeping the previous snapshot (at most ${this.#maxAgeMs / 1000} s): ${(err as Error).message}`,
      );
    }
  }

  async #read(): Promise<Snapshot> {
    const now = this.#now();
    const window = { nowMs: now, maxAgeMs: this.#maxAgeMs, limit: this.#maxSeries };
    const anomalies = await latestAnomalies(this.#db, window);
    const forecasts = await forecastsAtHorizons(this.#db, {
      ...window,
      maxAgeMs: this.#maxAgeMs + FORECAST_STALENESS_GRACE_MS,
      horizonsMs: this.#horizons.map((h) => h.ms),
    });
    const countdowns = await thresholdCountdowns(this.#db, {
      ...window,
      maxAgeMs: this.#maxAgeMs + FORECAST_STALENESS_GRACE_MS,
    });
    const alerts = await activeAlertCounts(this.#db, this.#maxSeries);
    const runs = await analysisLastRuns(this.#db, { ...window, maxAgeMs: LAST_RUN_MAX_AGE_MS });
    const health = await analysisJobHealth(this.#db, { ...window, maxAgeMs: LAST_RUN_MAX_AGE_MS });

    const snapshot: Snapshot = {
      takenAt: now,
      series: {
        anomalyScore: [],
        anomalyObserved: [],
        anomalyExpected: [],
        anomalyLower: [],
        anomalyUpper: [],
        forecastValue: [],
        forecastLower: [],
        forecastUpper: [],
        alertsActive: [],
        lastRun: [],
        lastSuccess: [],
        consecutiveFailures: [],
        lastDuration: [],
      },
      crossings: [],
      exported: new Map(),
      dropped: new Map(),
    };
    const push = (family: Exclude<Family, 'timeToThreshold'>, value: number | null, attributes: Attributes) => {
      if (value !== null && Number.isFinite(value)) snapshot.series[family].push({ value, attributes });
    };
    for (const a of anomalies.rows) {
      const attributes = seriesAttributes(a.monitor, a.metric, a.labels);
      push('anomalyScore', a.score, attributes);
      push('anomalyObserved', a.value, attributes);
      push('anomalyExpected', a.expected, attributes);
      push('anomalyLower', a.lower, attributes);
      push('anomalyUpper', a.upper, attributes);
    }
    const horizonLabel = new Map(this.#horizons.map((h) => [h.ms, h.label]));
    for (const f of forecasts.rows) {
      const attributes = seriesAttributes(f.monitor, f.metric, f.labels, {
        horizon: horizonLabel.get(f.horizonMs) ?? `${f.horizonMs}ms`,
      });
      push('forecastValue', f.mean, attributes);
      push('forecastLower', f.lower, attributes);
      push('forecastUpper', f.upper, attributes);
    }
    for (const c of countdowns.rows) {
      snapshot.crossings.push({
        crossesAt: c.crossesAt,
        attributes: seriesAttributes(c.monitor, c.metric, c.labels, {
          threshold: String(c.threshold),
          direction: c.direction,
          severity: c.severity,
        }),
      });
    }
    for (const a of alerts.rows)
      push('alertsActive', a.count, { ...monitorLabels(a.monitor), severity: a.severity, state: a.state });
    for (const r of runs.rows) push('lastRun', r.time / 1000, { ...monitorLabels(r.monitor), kind: r.kind });
    for (const h of health.rows) {
      const attributes = { ...monitorLabels(h.monitor), kind: h.kind };
      push('lastSuccess', h.lastSuccessAt === null ? null : h.lastSuccessAt / 1000, attributes);
      push('consecutiveFailures', h.consecutiveFailures, attributes);
      push('lastDuration', h.lastDurationSeconds, attributes);
    }

    const dropped: Record<Family, number> = {
      anomalyScore: anomalies.dropped,
      anomalyObserved: anomalies.dropped,
      anomalyExpected: anomalies.dropped,
      anomalyLower: anomalies.dropped,
      anomalyUpper: anomalies.dropped,
      forecastValue: forecasts.dropped,
      forecastLower: forecasts.dropped,
      forecastUpper: forecasts.dropped,
      timeToThreshold: countdowns.dropped,
      alertsActive: alerts.dropped,
      lastRun: runs.dropped,
      lastSuccess: health.dropped,
      consecutiveFailures: health.dropped,
      lastDuration: health.dropped,
    };
    for (const family of Object.keys(FAMILIES) as Family[]) {
      const name = prometheusName(FAMILIES[family]);
      snapshot.exported.set(
        name,
        family === 'timeToThreshold' ? snapshot.crossings.length : snapshot.series[family].length,
      );
      snapshot.dropped.set(name, dropped[family]);
    }
    return snapshot;
  }

  /**
   * Stops refreshing, waits at most SHUTDOWN_REFRESH_WAIT_MS for a refresh in progress (a hung database must not eat
   * the process's shutdown deadline), gives the lease up and unregisters the gauges; idempotent.
   */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    if (this.#refreshing) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.#refreshing,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, SHUTDOWN_REFRESH_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.#lease.release();
    this.#unregister?.();
    this.#unregister = null;
    this.#snapshot = null;
  }
}

/** Most horizons one exporter evaluates. */
export const MAX_EXPORT_HORIZONS = 20;

/** `1h,6h,24h` → horizons labelled as written; throws RangeError naming the bad entry. */
export function parseHorizons(text: string): ExportHorizon[] {
  const labels = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (labels.length === 0) throw new RangeError('no horizons given (e.g. 1h,6h,24h)');
  if (labels.length > MAX_EXPORT_HORIZONS)
    throw new RangeError(`at most ${MAX_EXPORT_HORIZONS} horizons, got ${labels.length}`);
  const horizons = labels.map((label) => ({ label, ms: parseDuration(label) }));
  if (new Set(horizons.map((h) => h.ms)).size !== horizons.length)
    throw new RangeError(`horizons must be distinct, got ${labels.join(',')}`);
  return horizons;
}

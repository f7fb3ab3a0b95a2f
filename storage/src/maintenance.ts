/**
 * Maintenance: the periodic storage job. In plain PostgreSQL mode each run
 * creates daily partitions ahead, drops partitions past retention, brings the
 * 1m and 1h rollups up to date, recomputes the buckets of backfilled ranges
 * the writer recorded (see rollup-backfill.ts) and prunes old rollup rows. In
 * TimescaleDB mode compression, retention and the rollups' refreshes are
 * policies run by the database's background workers; a run makes the
 * retention policies match the configured days (once per process), refreshes
 * the continuous aggregates over backfilled ranges, and sizes the chunk
 * interval of new chunks for the ingest rate (see timescale.ts).
 */
import { defaultLogger, type Logger } from '@hydra/logging';
import { metrics } from '@opentelemetry/api';
import type { Database } from './database.ts';
import { dayOfMicros, PartitionManager } from './partitions.ts';
import { loadBackfillRecords, refreshBackfilledAggregates, refreshBackfilledRollups } from './rollup-backfill.ts';
import {
  DEFAULT_ROLLUP_SETTLE_SECONDS,
  pruneRollup,
  refreshRollup,
  ROLLUP_1H,
  ROLLUP_1M,
  ROLLUP_5M,
  rollupWatermarkUs,
} from './rollups.ts';
import {
  CHUNK_GROWTH_SQL,
  chunkIntervalHours,
  chunkIntervalStatements,
  MIN_CHUNK_RATE_WINDOW_SECONDS,
  retentionPolicyStatements,
  TIMESCALE_HYPERTABLES,
} from './timescale.ts';

export const DEFAULT_MAINTENANCE_INTERVAL_MS = 60_000;
export const DEFAULT_PARTITIONS_AHEAD_DAYS = 2;
export const DEFAULT_ROLLUP_RETENTION_DAYS = 365;

export interface MaintenanceOptions {
  /** Time between runs. */
  intervalMs: number;
  /** Days of raw data (and 1m rollups) kept; defaults to the Database's retentionDays. */
  retentionDays: number;
  /** Days of 1h rollups kept. */
  rollupRetentionDays: number;
  /** Daily partitions created beyond today. */
  partitionsAheadDays: number;
  /** A bucket is rolled up once it ended this long ago. */
  rollupSettleSeconds: number;
  /** Where errors of background runs are logged (runOnce() callers get them thrown); default defaultLogger('storage'). */
  logger: Logger;
  /** The clock, for tests. */
  now: () => number;
  /**
   * TimescaleDB mode: bytes the chunks being written (heap and indexes) may take; the chunk interval is sized
   * for it. Defaults to the server's shared_buffers (see chunkIntervalHours).
   */
  chunkTargetBytes: number | null;
}

export interface MaintenanceReport {
  partitionsCreated: number[];
  partitionsDropped: string[];
  rollupSpans: number;
  /** Spans of backfilled data whose 1m and 1h buckets were recomputed. */
  backfillSpans: number;
  rollupRowsPruned: number;
  /** TimescaleDB mode: the chunk interval (hours) new chunks were given in this run, when it changed. */
  chunkIntervalHours: number | null;
}

export class Maintenance {
  readonly options: MaintenanceOptions;
  readonly #db: Database;
  readonly #partitions: PartitionManager;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<MaintenanceReport> | null = null;
  #policiesApplied = false;
  #stopped = false;
  readonly #runs = metrics
    .getMeter('hydra')
    .createCounter('hydra.storage.maintenance.runs', { description: 'Maintenance runs, by outcome' });

  constructor(db: Database, options: Partial<MaintenanceOptions> = {}) {
    this.options = {
      intervalMs: options.intervalMs ?? DEFAULT_MAINTENANCE_INTERVAL_MS,
      retentionDays: options.retentionDays ?? db.retentionDays,
      rollupRetentionDays: options.rollupRetentionDays ?? DEFAULT_ROLLUP_RETENTION_DAYS,
      partitionsAheadDays: options.partitionsAheadDays ?? DEFAULT_PARTITIONS_AHEAD_DAYS,
      rollupSettleSeconds: options.rollupSettleSeconds ?? DEFAULT_ROLLUP_SETTLE_SECONDS,
      logger: options.logger ?? defaultLogger('storage'),
      now: options.now ?? Date.now,
      chunkTargetBytes: options.chunkTargetBytes ?? null,
    };
    for (const key of ['intervalMs', 'retentionDays', 'rollupRetentionDays'] as const) {
      const v = this.options[key];
      if (!Number.isInteger(v) || v < 1)
        throw new RangeError(`MaintenanceOptions.${key}: must be a positive integer, got ${v}`);
    }
    const target = this.options.chunkTargetBytes;
    if (target !== null && !(Number.isFinite(target) && target > 0))
      throw new RangeError(`MaintenanceOptions.chunkTargetBytes: must be a positive number of bytes, got ${target}`);
    if (!Number.isInteger(this.options.partitionsAheadDays) || this.options.partitionsAheadDays < 0) {
      throw new RangeError(
        `MaintenanceOptions.partitionsAheadDays: must be a non-negative integer, got ${this.options.partitionsAheadDays}`,
      );
    }
    this.#db = db;
    this.#partitions = new PartitionManager(db);
  }

  /** Runs now, then every intervalMs; errors go to options.logger. No-op when already started. */
  start(): void {
    if (this.#timer || this.#stopped) return;
    const tick = (): void => {
      this.runOnce().then(
        () => this.#runs.add(1, { outcome: 'ok' }),
        (err: unknown) => {
          this.#runs.add(1, { outcome: 'failed' });
          this.options.logger.error({ err }, `storage maintenance: ${(err as Error).message}`);
        },
      );
    };
    this.#timer = setInterval(tick, this.options.intervalMs);
    this.#timer.unref();
    tick();
  }

  /** One maintenance pass; concurrent calls share the run in progress. Throws what fails. */
  runOnce(): Promise<MaintenanceReport> {
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /**
   * A pass that starts after this call: when a run is in progress (it may have begun before data the caller has
   * just written, e.g. a seeded history its rollups must include), waits for it, then runs (or joins a run that
   * started after this call). Throws what fails.
   */
  async runFresh(): Promise<MaintenanceReport> {
    await this.#running?.catch(() => undefined);
    return this.runOnce();
  }

  /** Stops the schedule and waits for a run in progress. Idempotent, safe without start(). */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    // The run's own error was already reported by the tick that started it (or thrown to runOnce's caller).
    if (this.#running)
      await this.#running.then(
        () => undefined,
        () => undefined,
      );
  }

  async #run(): Promise<MaintenanceReport> {
    const report: MaintenanceReport = {
      partitionsCreated: [],
      partitionsDropped: [],
      rollupSpans: 0,
      backfillSpans: 0,
      rollupRowsPruned: 0,
      chunkIntervalHours: null,
    };
    const nowMs = this.options.now();
    const nowUs = nowMs * 1000;
    const rawCutoffUs = nowUs - this.options.retentionDays * 86_400e6;
    if (this.#db.mode === 'timescaledb') {
      if (!this.#policiesApplied) {
        for (const s of retentionPolicyStatements(this.options.retentionDays, this.options.rollupRetentionDays)) {
          await this.#db.pool.query(s.text, s.values);
        }
        this.#policiesApplied = true;
      }
      report.backfillSpans = (await refreshBackfilledAggregates(this.#db, await loadBackfillRecords(this.#db))).length;
      report.chunkIntervalHours = await this.#sizeChunks(nowMs);
      return report;
    }
    const today = dayOfMicros(nowUs);
    const days = Array.from({ length: this.options.partitionsAheadDays + 1 }, (_, i) => today + i);
    report.partitionsCreated = await this.#partitions.ensure(days);
    report.partitionsDropped = await this.#partitions.dropBefore(rawCutoffUs);
    // Read before the regular refresh, so that what it recomputes is known (see refreshBackfilledRollups).
    const backfill = await loadBackfillRecords(this.#db);
    const minuteWatermarkBefore = await rollupWatermarkUs(this.#db, 'samples_1m');
    const minuteSpans = await refreshRollup(this.#db, ROLLUP_1M, nowUs, this.options.rollupSettleSeconds);
    const fiveMinuteSpans = await refreshRollup(
      this.#db,
      ROLLUP_5M,
      nowUs,
      this.options.rollupSettleSeconds,
      minuteSpans[0]?.[0],
    );
    const hourSpans = await refreshRollup(
      this.#db,
      ROLLUP_1H,
      nowUs,
      this.options.rollupSettleSeconds,
      minuteSpans[0]?.[0],
    );
    const backfillSpans = await refreshBackfilledRollups(this.#db, backfill, minuteWatermarkBefore);
    report.rollupSpans = minuteSpans.length + fiveMinuteSpans.length + hourSpans.length;
    report.backfillSpans = backfillSpans.length;
    report.rollupRowsPruned += await pruneRollup(this.#db, ROLLUP_1M, rawCutoffUs);
    report.rollupRowsPruned += await pruneRollup(this.#db, ROLLUP_5M, rawCutoffUs);
    report.rollupRowsPruned += await pruneRollup(
      this.#db,
      ROLLUP_1H,
      nowUs - this.options.rollupRetentionDays * 86_400e6,
    );
    return report;
  }

  /** Gives new chunks the interval the current ingest rate calls for; returns it when it changed. */
  async #sizeChunks(nowMs: number): Promise<number | null> {
    const { rows } = await this.#db.pool.query<{
      bytes: number | null;
      seconds: number | null;
      shared_buffers: number;
      interval_hours: number;
    }>(CHUNK_GROWTH_SQL, [TIMESCALE_HYPERTABLES, new Date(nowMs).toISOString()]);
    const row = rows[0];
    if (!row || row.bytes === null || row.seconds === null || row.seconds < MIN_CHUNK_RATE_WINDOW_SECONDS) return null;
    const hours = chunkIntervalHours(row.bytes / row.seconds, this.options.chunkTargetBytes ?? row.shared_buffers);
    if (hours === row.interval_hours) return null;
    for (const s of chunkIntervalStatements(hours)) await this.#db.pool.query(s.text, s.values);
    return hours;
  }
}

/**
 * Ingestor: limits → series registry → batch writer. Every receiver (OTLP
 * HTTP, OTLP gRPC, the seed's JSON route, `hydra import`) hands it decoded
 * series; it resolves only after the writer committed the points, so an
 * acknowledged point is never lost.
 */
import type { BatchWriter, SeriesRef, SeriesRegistry, WriteBatch } from '@hydra/storage';
import { CollectorClosedError, PayloadTooLargeError } from './errors.ts';
import { resolveLimits, type IngestLimits } from './limits.ts';
import { OutageLog } from './outage-log.ts';
import { Rejections } from './rejections.ts';
import { isDerivedSeries } from './series-builder.ts';
import { createTelemetry, recordRejections, type CollectorTelemetry } from './telemetry.ts';
import type { IngestResult, IngestSeries } from './types.ts';

/** Default wait for in-flight ingests on shutdown. */
export const DEFAULT_SHUTDOWN_DEADLINE_MS = 10_000;
const US_PER_SECOND = 1_000_000;
/** PostgreSQL text and jsonb cannot hold U+0000: such names are refused here, permanently, not retried. */
const NUL = '\u0000';
/**
 * Longest unit, in bytes: the metric's identity (name, unit, …) is one
 * PostgreSQL btree entry, which must stay under ~2.7 kB with a name at the
 * label-length limit. UCUM units are a few characters.
 */
export const MAX_UNIT_BYTES = 256;
/** Longest metric name in bytes whatever maxLabelLength says, for the same btree reason. */
export const MAX_METRIC_NAME_BYTES = 2048;
/** Characters of a name quoted in a rejection message. */
const QUOTED_NAME_CHARS = 64;

interface TimeWindow {
  oldestUs: number;
  newestUs: number;
}

export interface IngestorDeps {
  registry: SeriesRegistry;
  writer: BatchWriter;
}

export class Ingestor {
  readonly limits: Readonly<IngestLimits>;
  private readonly telemetry: CollectorTelemetry;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Shared by every receiver on this Ingestor: refusals during an outage are logged as a state and a rate. */
  readonly outage = new OutageLog();
  private closed = false;

  /** Throws when a limit is invalid (fail fast at start-up). */
  constructor(
    private readonly deps: IngestorDeps,
    limits: Partial<IngestLimits> = {},
  ) {
    this.limits = Object.freeze(resolveLimits(limits));
    this.telemetry = createTelemetry();
  }

  /**
   * Apply limits, resolve series ids and commit the points. Resolves after
   * COMMIT with what was accepted and rejected; throws a retryable
   * StorageError (or CollectorClosedError) when nothing could be stored.
   */
  async ingest(series: IngestSeries[]): Promise<IngestResult> {
    if (this.closed) throw new CollectorClosedError('the collector is shutting down; retry later');
    const work = this.run(series);
    this.inFlight.add(work);
    try {
      return await work;
    } finally {
      this.inFlight.delete(work);
    }
  }

  /** Refuse new data, then wait (up to `deadlineMs`) for in-flight ingests. Idempotent. */
  async shutdown(deadlineMs = DEFAULT_SHUTDOWN_DEADLINE_MS): Promise<void> {
    this.closed = true;
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, deadlineMs);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.inFlight]), deadline]);
    clearTimeout(timer);
  }

  private async run(series: IngestSeries[]): Promise<IngestResult> {
    const rejections = new Rejections(this.limits.maxErrorMessages);
    const kept = this.applyLimits(series, rejections);
    this.checkFitsWriter(kept);
    const ids = kept.length ? await this.deps.registry.resolve(kept.map((s) => s.ref)) : [];
    const batch: WriteBatch = { samples: [], histograms: [], expHistograms: [] };
    let acceptedPoints = 0;
    for (let i = 0; i < kept.length; i++) {
      const s = kept[i]!;
      const id = ids[i];
      if (typeof id !== 'number') {
        const message = id?.message ?? 'series registry returned no id';
        rejections.add('series_limit', pointCount(s), () => `metric ${s.ref.metric.name}: ${message}`);
        continue;
      }
      if (!isDerivedSeries(s)) acceptedPoints += pointCount(s);
      for (const p of s.samples) batch.samples.push({ seriesId: id, timeUs: p.timeUs, value: p.value });
      for (const h of s.histograms) batch.histograms.push(Object.assign({ seriesId: id }, h));
      for (const h of s.expHistograms) batch.expHistograms.push(Object.assign({ seriesId: id }, h));
    }
    const rows = batch.samples.length + batch.histograms.length + batch.expHistograms.length;
    if (rows > 0) await this.deps.writer.write(batch);
    this.telemetry.pointsWritten.add(rows);
    recordRejections(this.telemetry, rejections.byReason);
    return { acceptedPoints, rejectedPoints: rejections.total, errors: rejections.messages };
  }

  /**
   * A request's rows are committed in one write, and the writer refuses one
   * larger than its whole queue: that request can never succeed, so it is a
   * 413 (send smaller batches), not a retryable error.
   */
  private checkFitsWriter(series: IngestSeries[]): void {
    const capacity = this.deps.writer.options.maxQueuedRows;
    let rows = 0;
    for (const s of series) rows += pointCount(s);
    if (rows > capacity) {
      throw new PayloadTooLargeError(
        `the request holds ${rows} rows to store; the writer takes at most ${capacity} at once: send smaller batches`,
      );
    }
  }

  /** The series that pass the label limits, each holding only the points inside the time window. */
  private applyLimits(series: IngestSeries[], rejections: Rejections): IngestSeries[] {
    const nowUs = Date.now() * 1000;
    const window: TimeWindow = {
      oldestUs: nowUs - this.limits.maxPointAgeSeconds * US_PER_SECOND,
      newestUs: nowUs + this.limits.maxFutureSeconds * US_PER_SECOND,
    };
    const kept: IngestSeries[] = [];
    for (const s of series) {
      const points = pointCount(s);
      if (points === 0) continue;
      // a derived series fails exactly when its primary does: count the points once
      if (!this.labelsWithinLimits(s.ref, isDerivedSeries(s) ? 0 : points, rejections)) continue;
      const inside = this.insideWindow(s, window, rejections);
      if (inside) kept.push(inside);
    }
    return kept;
  }

  /** `s` itself when all its points are inside the window, a filtered copy when some are, null when none. */
  private insideWindow(s: IngestSeries, w: TimeWindow, rejections: Rejections): IngestSeries | null {
    let old = 0;
    let future = 0;
    for (const list of [s.samples, s.histograms, s.expHistograms]) {
      for (const p of list) {
        if (p.timeUs < w.oldestUs) old++;
        else if (p.timeUs > w.newestUs) future++;
      }
    }
    if (old === 0 && future === 0) return s;
    const outside = old + future;
    if (!isDerivedSeries(s)) {
      const name = s.ref.metric.name;
      const { maxPointAgeSeconds, maxFutureSeconds } = this.limits;
      rejections.add(
        'too_old',
        old,
        () => `metric ${name}: ${old} point(s) older than ${maxPointAgeSeconds}s (retention)`,
      );
      rejections.add(
        'too_far_in_future',
        future,
        () => `metric ${name}: ${future} point(s) more than ${maxFutureSeconds}s in the future`,
      );
    }
    if (outside === pointCount(s)) return null;
    const inside = (p: { timeUs: number }) => p.timeUs >= w.oldestUs && p.timeUs <= w.newestUs;
    return {
      ref: s.ref,
      samples: s.samples.filter(inside),
      histograms: s.histograms.filter(inside),
      expHistograms: s.expHistograms.filter(inside),
    };
  }

  private labelsWithinLimits(ref: SeriesRef, points: number, rejections: Rejections): boolean {
    const { maxAttributes, maxLabelLength } = this.limits;
    const maxNameBytes = Math.min(maxLabelLength, MAX_METRIC_NAME_BYTES);
    const name = ref.metric.name;
    if (name === '' || exceedsBytes(name, maxNameBytes) || name.includes(NUL) || !isWellFormed(name)) {
      rejections.add('invalid_name', points, () =>
        name === ''
          ? 'metric name is empty'
          : name.includes(NUL)
            ? `metric name '${printable(name)}' contains U+0000, which PostgreSQL cannot store`
            : !isWellFormed(name)
              ? `metric name '${printable(name)}' is not well-formed UTF-16 (a lone surrogate): it has no UTF-8 form to store`
              : `metric name '${printable(name)}…' is longer than ${maxNameBytes} bytes`,
      );
      return false;
    }
    const unit = ref.metric.unit;
    if (exceedsBytes(unit, MAX_UNIT_BYTES) || unit.includes(NUL) || !isWellFormed(unit)) {
      rejections.add('invalid_name', points, () =>
        unit.includes(NUL)
          ? `metric ${name}: unit contains U+0000, which PostgreSQL cannot store`
          : !isWellFormed(unit)
            ? `metric ${name}: unit is not well-formed UTF-16 (a lone surrogate)`
            : `metric ${name}: unit is longer than ${MAX_UNIT_BYTES} bytes`,
      );
      return false;
    }
    const keys = Object.keys(ref.labels);
    if (keys.length > maxAttributes) {
      rejections.add(
        'too_many_attributes',
        points,
        () => `metric ${name}: ${keys.length} attributes, the limit is ${maxAttributes}`,
      );
      return false;
    }
    for (const key of keys) {
      const value = ref.labels[key]!;
      if (key === '') {
        rejections.add('invalid_label', points, () => `metric ${name}: an attribute has an empty key`);
        return false;
      }
      if (exceedsBytes(key, maxLabelLength) || exceedsBytes(value, maxLabelLength)) {
        rejections.add(
          'label_too_long',
          points,
          () => `metric ${name}: attribute '${printable(key)}' name or value is longer than ${maxLabelLength} bytes`,
        );
        return false;
      }
      if (!isWellFormed(key) || !isWellFormed(value)) {
        rejections.add(
          'invalid_label',
          points,
          () => `metric ${name}: attribute '${printable(key)}' is not well-formed UTF-16 (a lone surrogate)`,
        );
        return false;
      }
      if (key.includes(NUL) || value.includes(NUL)) {
        rejections.add(
          'invalid_label',
          points,
          () => `metric ${name}: attribute '${printable(key)}' contains U+0000, which PostgreSQL cannot store`,
        );
        return false;
      }
    }
    return true;
  }
}

function pointCount(s: IngestSeries): number {
  return s.samples.length + s.histograms.length + s.expHistograms.length;
}

/**
 * Whether `s` has a UTF-8 form: no lone surrogate (OTLP JSON and the seed's JSON can
 * carry one as a \ud800 escape). PostgreSQL would store U+FFFD instead, a name the
 * sender never sent (String.prototype.isWellFormed, Node 20; not in TypeScript's ES2023 lib).
 */
export function isWellFormed(s: string): boolean {
  return (s as string & { isWellFormed(): boolean }).isWellFormed();
}

/** A name shortened for a message, with control characters escaped. */
function printable(s: string): string {
  return JSON.stringify(s.slice(0, QUOTED_NAME_CHARS)).slice(1, -1);
}

/** Whether the UTF-8 encoding of `s` is longer than `max` bytes (measured only when the length is in doubt). */
function exceedsBytes(s: string, max: number): boolean {
  if (s.length * 3 <= max) return false;
  if (s.length > max) return true;
  return Buffer.byteLength(s, 'utf8') > max;
}

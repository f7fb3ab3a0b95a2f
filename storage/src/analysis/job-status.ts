/**
 * The outcome of each monitor's analysis jobs (`analysis_job_status`, keyed (monitor, kind), migration 0012):
 * one upsert at the end of every anomaly and forecast pass, by whichever process ran it, so the API can export
 * job health (last success, consecutive failures, last duration) in every mode. Times are epoch ms.
 */
import type { Database } from '../database.ts';
import { query } from '../transaction.ts';

export type AnalysisJobKind = 'anomaly' | 'forecast';

/** Longest last_error kept, in characters; a longer message is cut and ends with `…`. */
export const JOB_ERROR_MAX_CHARS = 1024;

export interface JobOutcome {
  /** the monitor key (`namespace/name`) */
  monitor: string;
  kind: AnalysisJobKind;
  outcome: 'success' | 'failure';
  /** wall-clock seconds of the pass */
  durationSeconds: number;
  /** epoch ms the pass ended */
  at: number;
  /** the failure's message (ignored on success) */
  error?: string;
  /** what a successful pass wants its users to know (a kind of series it did not analyse); cleared by a success without */
  note?: string;
}

export interface JobStatus {
  monitor: string;
  kind: AnalysisJobKind;
  /** epoch ms, null before the first success */
  lastSuccessAt: number | null;
  lastFailureAt: number | null;
  lastError: string | null;
  /** the last successful pass's note (see JobOutcome.note) */
  lastNote: string | null;
  consecutiveFailures: number;
  lastDurationSeconds: number;
  /** epoch ms the last pass ended */
  updatedAt: number;
}

const msParam = (n: number): string => `'epoch'::timestamptz + $${n}::float8 * interval '1 millisecond'`;
const epochMs = (expr: string): string => `(extract(epoch FROM ${expr}) * 1000)::float8`;

/** `text` cut to JOB_ERROR_MAX_CHARS characters (whole code points). */
export function truncateJobError(text: string): string {
  const chars = Array.from(text);
  return chars.length <= JOB_ERROR_MAX_CHARS ? text : `${chars.slice(0, JOB_ERROR_MAX_CHARS - 1).join('')}…`;
}

/**
 * Records one pass's outcome: a success sets last_success_at and zeroes consecutive_failures, a failure sets
 * last_failure_at and last_error and adds one to consecutive_failures; both set last_duration_seconds and
 * updated_at. One statement (INSERT … ON CONFLICT), so concurrent passes of the same monitor and kind (shards)
 * each count. @throws RangeError on bad input; StorageUnavailableError when the database fails
 */
export async function recordJobOutcome(db: Database, o: JobOutcome): Promise<void> {
  if (typeof o.monitor !== 'string' || o.monitor === '')
    throw new RangeError('recordJobOutcome: monitor must be a non-empty string');
  if (o.kind !== 'anomaly' && o.kind !== 'forecast')
    throw new RangeError(`recordJobOutcome: kind must be anomaly or forecast, got ${String(o.kind)}`);
  if (o.outcome !== 'success' && o.outcome !== 'failure')
    throw new RangeError(`recordJobOutcome: outcome must be success or failure, got ${String(o.outcome)}`);
  if (!(Number.isFinite(o.durationSeconds) && o.durationSeconds >= 0))
    throw new RangeError(`recordJobOutcome: durationSeconds must be a non-negative number, got ${o.durationSeconds}`);
  if (!Number.isFinite(o.at)) throw new RangeError(`recordJobOutcome: at must be finite epoch ms, got ${o.at}`);
  const failed = o.outcome === 'failure';
  const error = failed ? truncateJobError(o.error ?? 'unknown error') : null;
  const note = !failed && o.note ? truncateJobError(o.note) : null;
  await query(
    db,
    `record ${o.kind} job outcome of ${o.monitor}`,
    `INSERT INTO analysis_job_status AS s (monitor, kind, last_success_at, last_failure_at, last_error,
       consecutive_failures, last_duration_seconds, updated_at, last_note)
     VALUES ($1, $2, CASE WHEN $3 THEN NULL ELSE ${msParam(4)} END, CASE WHEN $3 THEN ${msParam(4)} END, $5,
       CASE WHEN $3 THEN 1 ELSE 0 END, $6, ${msParam(4)}, $7)
     ON CONFLICT (monitor, kind) DO UPDATE SET
       last_success_at = COALESCE(EXCLUDED.last_success_at, s.last_success_at),
       last_failure_at = COALESCE(EXCLUDED.last_failure_at, s.last_failure_at),
       last_error = COALESCE(EXCLUDED.last_error, s.last_error),
       consecutive_failures = CASE WHEN $3 THEN s.consecutive_failures + 1 ELSE 0 END,
       last_duration_seconds = EXCLUDED.last_duration_seconds,
       updated_at = EXCLUDED.updated_at,
       last_note = CASE WHEN $3 THEN s.last_note ELSE EXCLUDED.last_note END`,
    [o.monitor, o.kind, failed, o.at, error, o.durationSeconds, note],
  );
}

/** Every recorded (monitor, kind), ordered by monitor then kind (dashboards, tests). */
export async function readJobStatuses(db: Database): Promise<JobStatus[]> {
  const rows = await query<{
    monitor: string;
    kind: AnalysisJobKind;
    last_success_at: number | null;
    last_failure_at: number | null;
    last_error: string | null;
    last_note: string | null;
    consecutive_failures: number;
    last_duration_seconds: number;
    updated_at: number;
  }>(
    db,
    'read analysis job statuses',
    `SELECT monitor, kind, ${epochMs('last_success_at')} AS last_success_at,
       ${epochMs('last_failure_at')} AS last_failure_at, last_error, last_note, consecutive_failures, last_duration_seconds,
       ${epochMs('updated_at')} AS updated_at
     FROM analysis_job_status ORDER BY monitor, kind`,
  );
  return rows.map((r) => ({
    monitor: r.monitor,
    kind: r.kind,
    lastSuccessAt: r.last_success_at,
    lastFailureAt: r.last_failure_at,
    lastError: r.last_error,
    lastNote: r.last_note,
    consecutiveFailures: r.consecutive_failures,
    lastDurationSeconds: r.last_duration_seconds,
    updatedAt: r.updated_at,
  }));
}

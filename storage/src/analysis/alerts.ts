/**
 * SQL of the alert store: episodes in `alert` (at most one unresolved per
 * fingerprint), their history in `alert_event`. Times are epoch
 * milliseconds in and out. The state machine itself lives in the API's
 * AlertService; this module only reads and writes rows.
 */
import type { Database } from '../database.ts';
import { InvalidQueryError } from '../errors.ts';
import { query, type Queryable } from '../transaction.ts';

export type AlertState = 'pending' | 'firing' | 'resolved';
export type AlertSeverity = 'info' | 'warning' | 'critical';

export const ALERT_STATES: readonly AlertState[] = ['pending', 'firing', 'resolved'];
/** Largest page `listAlerts` returns. */
export const MAX_ALERT_PAGE = 1_000;
/** Most history events returned with one alert. */
export const MAX_ALERT_EVENTS = 500;

export interface AlertRecord {
  id: number;
  fingerprint: string;
  kind: string;
  monitor: string;
  severity: AlertSeverity;
  state: AlertState;
  labels: Record<string, string>;
  seriesId: number | null;
  summary: string;
  explanation: Record<string, unknown>;
  startedAt: number;
  firedAt: number | null;
  resolvedAt: number | null;
  lastEvaluatedAt: number;
  clearCount: number;
  acknowledgedAt: number | null;
  acknowledgedBy: string | null;
  ackComment: string | null;
  silencedBy: number | null;
  notifiedAt: number | null;
}

export interface AlertEvent {
  id: number;
  time: number;
  event: string;
  message: string;
  details: Record<string, unknown>;
}

/** The fields of a new episode. */
export type NewAlert = Omit<AlertRecord, 'id' | 'acknowledgedAt' | 'acknowledgedBy' | 'ackComment' | 'notifiedAt'>;
/** Fields an evaluation may change. */
export type AlertPatch = Partial<
  Pick<
    AlertRecord,
    | 'severity'
    | 'state'
    | 'summary'
    | 'explanation'
    | 'firedAt'
    | 'resolvedAt'
    | 'lastEvaluatedAt'
    | 'clearCount'
    | 'silencedBy'
    | 'notifiedAt'
    | 'acknowledgedAt'
    | 'acknowledgedBy'
    | 'ackComment'
  >
>;

const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;
const ts = (param: string) => `('epoch'::timestamptz + ${param}::float8 * interval '1 millisecond')`;

const COLUMNS = `id, fingerprint, kind, monitor, severity, state, labels, series_id, summary, explanation,
  ${ms('started_at')} AS started_at, ${ms('fired_at')} AS fired_at, ${ms('resolved_at')} AS resolved_at,
  ${ms('last_evaluated_at')} AS last_evaluated_at, clear_count, ${ms('acknowledged_at')} AS acknowledged_at,
  acknowledged_by, ack_comment, silenced_by, ${ms('notified_at')} AS notified_at`;

interface AlertRow {
  id: string;
  fingerprint: string;
  kind: string;
  monitor: string;
  severity: AlertSeverity;
  state: AlertState;
  labels: Record<string, string>;
  series_id: string | null;
  summary: string;
  explanation: Record<string, unknown>;
  started_at: number;
  fired_at: number | null;
  resolved_at: number | null;
  last_evaluated_at: number;
  clear_count: number;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  ack_comment: string | null;
  silenced_by: string | null;
  notified_at: number | null;
}

function toRecord(r: AlertRow): AlertRecord {
  return {
    id: Number(r.id),
    fingerprint: r.fingerprint,
    kind: r.kind,
    monitor: r.monitor,
    severity: r.severity,
    state: r.state,
    labels: r.labels,
    seriesId: r.series_id === null ? null : Number(r.series_id),
    summary: r.summary,
    explanation: r.explanation,
    startedAt: r.started_at,
    firedAt: r.fired_at,
    resolvedAt: r.resolved_at,
    lastEvaluatedAt: r.last_evaluated_at,
    clearCount: r.clear_count,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    ackComment: r.ack_comment,
    silencedBy: r.silenced_by === null ? null : Number(r.silenced_by),
    notifiedAt: r.notified_at,
  };
}

/** The unresolved episode of `fingerprint`, locked for the caller's transaction, or null. */
export async function lockOpenAlert(client: Queryable, fingerprint: string): Promise<AlertRecord | null> {
  const rows = await query<AlertRow>(
    client,
    'lock open alert',
    `SELECT ${COLUMNS} FROM alert WHERE fingerprint = $1 AND state <> 'resolved' FOR UPDATE`,
    [fingerprint],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Inserts a new episode; returns null when another writer opened one for the
 * same fingerprint first (the caller then locks and updates that one).
 */
export async function insertAlert(client: Queryable, a: NewAlert): Promise<AlertRecord | null> {
  const rows = await query<AlertRow>(
    client,
    'insert alert',
    `INSERT INTO alert (fingerprint, kind, monitor, severity, state, labels, series_id, summary, explanation,
       started_at, fired_at, resolved_at, last_evaluated_at, clear_count, silenced_by)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::int8, $8, $9::jsonb, ${ts('$10')},
       CASE WHEN $11::float8 IS NULL THEN NULL ELSE ${ts('$11')} END,
       CASE WHEN $12::float8 IS NULL THEN NULL ELSE ${ts('$12')} END, ${ts('$13')}, $14, $15::int8)
     ON CONFLICT (fingerprint) WHERE state <> 'resolved' DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      a.fingerprint,
      a.kind,
      a.monitor,
      a.severity,
      a.state,
      JSON.stringify(a.labels),
      a.seriesId === null ? null : String(a.seriesId),
      a.summary,
      JSON.stringify(a.explanation),
      a.startedAt,
      a.firedAt,
      a.resolvedAt,
      a.lastEvaluatedAt,
      a.clearCount,
      a.silencedBy === null ? null : String(a.silencedBy),
    ],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

const PATCH_COLUMNS: Record<keyof AlertPatch, { column: string; kind: 'text' | 'time' | 'json' | 'int' }> = {
  severity: { column: 'severity', kind: 'text' },
  state: { column: 'state', kind: 'text' },
  summary: { column: 'summary', kind: 'text' },
  explanation: { column: 'explanation', kind: 'json' },
  firedAt: { column: 'fired_at', kind: 'time' },
  resolvedAt: { column: 'resolved_at', kind: 'time' },
  lastEvaluatedAt: { column: 'last_evaluated_at', kind: 'time' },
  clearCount: { column: 'clear_count', kind: 'int' },
  silencedBy: { column: 'silenced_by', kind: 'int' },
  notifiedAt: { column: 'notified_at', kind: 'time' },
  acknowledgedAt: { column: 'acknowledged_at', kind: 'time' },
  acknowledgedBy: { column: 'acknowledged_by', kind: 'text' },
  ackComment: { column: 'ack_comment', kind: 'text' },
};

/** Applies `patch` to alert `id` and returns the row as it now is. */
export async function updateAlert(client: Queryable, id: number, patch: AlertPatch): Promise<AlertRecord> {
  const sets: string[] = ['updated_at = now()'];
  const values: unknown[] = [String(id)];
  for (const [key, value] of Object.entries(patch) as Array<[keyof AlertPatch, unknown]>) {
    if (value === undefined) continue;
    const spec = PATCH_COLUMNS[key];
    values.push(
      spec.kind === 'json' ? JSON.stringify(value) : spec.kind === 'int' && value !== null ? String(value) : value,
    );
    const p = `$${values.length}`;
    const expr =
      spec.kind === 'time'
        ? `CASE WHEN ${p}::float8 IS NULL THEN NULL ELSE ${ts(p)} END`
        : spec.kind === 'json'
          ? `${p}::jsonb`
          : spec.kind === 'int'
            ? `${p}::int8`
            : `${p}::text`;
    sets.push(`${spec.column} = ${expr}`);
  }
  const rows = await query<AlertRow>(
    client,
    'update alert',
    `UPDATE alert SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`,
    values,
  );
  if (!rows[0]) throw new InvalidQueryError('id', `alert ${id} does not exist`);
  return toRecord(rows[0]);
}

/** Appends one history event. */
export async function appendAlertEvent(
  client: Queryable,
  alertId: number,
  e: { time: number; event: string; message: string; details?: Record<string, unknown> },
): Promise<void> {
  await query(
    client,
    'append alert event',
    `INSERT INTO alert_event (alert_id, time, event, message, details) VALUES ($1, ${ts('$2')}, $3, $4, $5::jsonb)`,
    [String(alertId), e.time, e.event, e.message, JSON.stringify(e.details ?? {})],
  );
}

export interface AlertFilter {
  /** States to include; default: pending and firing (the active alerts). */
  states?: readonly AlertState[];
  severity?: AlertSeverity;
  monitor?: string;
  kind?: string;
  /** value of the `host.name` label */
  host?: string;
  /** episodes that overlap [fromMs, toMs] (started before `to`, not resolved before `from`) */
  fromMs?: number;
  toMs?: number;
  limit: number;
  offset: number;
}

/** A page of alerts, newest start first, and the total that match. */
export async function listAlerts(db: Database, f: AlertFilter): Promise<{ alerts: AlertRecord[]; total: number }> {
  if (!Number.isInteger(f.limit) || f.limit < 1 || f.limit > MAX_ALERT_PAGE)
    throw new InvalidQueryError('limit', `must be an integer from 1 to ${MAX_ALERT_PAGE}, got ${f.limit}`);
  const values: unknown[] = [];
  const add = (v: unknown) => {
    values.push(v);
    return `$${values.length}`;
  };
  const where: string[] = [`state = ANY(${add(f.states ?? ['pending', 'firing'])}::text[])`];
  if (f.severity !== undefined) where.push(`severity = ${add(f.severity)}`);
  if (f.monitor !== undefined) where.push(`monitor = ${add(f.monitor)}`);
  if (f.kind !== undefined) where.push(`kind = ${add(f.kind)}`);
  if (f.host !== undefined) where.push(`labels @> ${add(JSON.stringify({ 'host.name': f.host }))}::jsonb`);
  if (f.toMs !== undefined) where.push(`started_at <= ${ts(add(f.toMs))}`);
  if (f.fromMs !== undefined) where.push(`(resolved_at IS NULL OR resolved_at >= ${ts(add(f.fromMs))})`);
  const clause = where.join(' AND ');
  const filterValues = [...values];
  const rows = await query<AlertRow>(
    db,
    'list alerts',
    `SELECT ${COLUMNS} FROM alert WHERE ${clause} ORDER BY started_at DESC, id DESC LIMIT ${add(f.limit)} OFFSET ${add(f.offset)}`,
    values,
  );
  const total = await query<{ n: string }>(
    db,
    'count alerts',
    `SELECT count(*) AS n FROM alert WHERE ${clause}`,
    filterValues,
  );
  return { alerts: rows.map(toRecord), total: Number(total[0]?.n ?? 0) };
}

/** One alert with its history (oldest event first), or null. */
export async function getAlert(db: Database, id: number): Promise<{ alert: AlertRecord; events: AlertEvent[] } | null> {
  const rows = await query<AlertRow>(db, 'get alert', `SELECT ${COLUMNS} FROM alert WHERE id = $1`, [String(id)]);
  if (!rows[0]) return null;
  const events = await query<{
    id: string;
    t: number;
    event: string;
    message: string;
    details: Record<string, unknown>;
  }>(
    db,
    'get alert events',
    `SELECT id, ${ms('time')} AS t, event, message, details FROM alert_event WHERE alert_id = $1 ORDER BY id LIMIT ${MAX_ALERT_EVENTS}`,
    [String(id)],
  );
  return {
    alert: toRecord(rows[0]),
    events: events.map((e) => ({
      id: Number(e.id),
      time: e.t,
      event: e.event,
      message: e.message,
      details: e.details,
    })),
  };
}

/** Locks alert `id` (any state) for the caller's transaction, or null. */
export async function lockAlert(client: Queryable, id: number): Promise<AlertRecord | null> {
  const rows = await query<AlertRow>(client, 'lock alert', `SELECT ${COLUMNS} FROM alert WHERE id = $1 FOR UPDATE`, [
    String(id),
  ]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/**
 * Firing alerts last queued for Alertmanager at or before `olderThanMs`
 * (Alertmanager forgets an alert whose endsAt passes): marks them notified at
 * `nowMs` and returns them, at most `limit`.
 */
export async function claimFiringForResend(
  client: Queryable,
  nowMs: number,
  olderThanMs: number,
  limit: number,
): Promise<AlertRecord[]> {
  const rows = await query<AlertRow>(
    client,
    'claim firing alerts for resend',
    `UPDATE alert SET notified_at = ${ts('$1')}
     WHERE id IN (SELECT id FROM alert WHERE state = 'firing' AND (notified_at IS NULL OR notified_at <= ${ts('$2')})
                  ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [nowMs, olderThanMs, limit],
  );
  return rows.map(toRecord);
}

/** Number of firing alerts per monitor (for status and gauges). */
export async function countFiring(db: Database): Promise<Map<string, number>> {
  const rows = await query<{ monitor: string; n: string }>(
    db,
    'count firing alerts',
    `SELECT monitor, count(*) AS n FROM alert WHERE state = 'firing' GROUP BY monitor`,
  );
  return new Map(rows.map((r) => [r.monitor, Number(r.n)]));
}

/** True when `fingerprint` has an unresolved episode (no lock: the evaluation's fast path). */
export async function hasOpenAlert(db: Database, fingerprint: string): Promise<boolean> {
  const rows = await query<{ one: number }>(
    db,
    'find open alert',
    `SELECT 1 AS one FROM alert WHERE fingerprint = $1 AND state <> 'resolved' LIMIT 1`,
    [fingerprint],
  );
  return rows.length > 0;
}

/** The newest episode of `fingerprint` (any state), or null. */
export async function latestAlert(client: Queryable, fingerprint: string): Promise<AlertRecord | null> {
  const rows = await query<AlertRow>(
    client,
    'latest alert',
    `SELECT ${COLUMNS} FROM alert WHERE fingerprint = $1 ORDER BY id DESC LIMIT 1`,
    [fingerprint],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** The alert activity of one monitor (GET /monitors). */
export interface MonitorAlertActivity {
  monitor: string;
  /** unresolved alerts (pending or firing) */
  open: number;
  firing: number;
  /** worst severity among its firing alerts, null when none fires */
  worstFiring: AlertSeverity | null;
  /** alerts of every state it ever raised */
  total: number;
  /** epoch ms the newest of its alerts started, null when it never alerted */
  lastStartedAt: number | null;
}

/** Alert activity per monitor that has raised an alert, ordered by monitor. One grouped scan of `alert`. */
export async function alertActivityByMonitor(db: Database): Promise<MonitorAlertActivity[]> {
  const rows = await query<{
    monitor: string;
    open: string;
    firing: string;
    critical: string;
    warning: string;
    total: string;
    last_started_at: number | null;
  }>(
    db,
    'read alert activity per monitor',
    `SELECT monitor,
       count(*) FILTER (WHERE state <> 'resolved') AS open,
       count(*) FILTER (WHERE state = 'firing') AS firing,
       count(*) FILTER (WHERE state = 'firing' AND severity = 'critical') AS critical,
       count(*) FILTER (WHERE state = 'firing' AND severity = 'warning') AS warning,
       count(*) AS total,
       ${ms('max(started_at)')} AS last_started_at
     FROM alert GROUP BY monitor ORDER BY monitor`,
  );
  return rows.map((r) => {
    const firing = Number(r.firing);
    return {
      monitor: r.monitor,
      open: Number(r.open),
      firing,
      worstFiring: Number(r.critical) > 0 ? 'critical' : Number(r.warning) > 0 ? 'warning' : firing > 0 ? 'info' : null,
      total: Number(r.total),
      lastStartedAt: r.last_started_at,
    };
  });
}

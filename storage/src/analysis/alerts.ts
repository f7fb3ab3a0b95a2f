/**
 * SQL of the alert store: episodes in `alert` (at most one unresolved per
 * fingerprint), their history in `alert_event`. Times are epoch
 * milliseconds in and out. The state machine itself lives in the API's
 * AlertService; this module only reads and writes rows.
 */
import { HOST_LABEL, type Severity } from '@hydra/schema';
import type { Database } from '../database.ts';
import { InvalidQueryError } from '../errors.ts';
import { query, type Queryable } from '../transaction.ts';

export type AlertState = 'pending' | 'firing' | 'resolved';
/** An alert's severity: the monitor's (@hydra/schema's one list). */
export type AlertSeverity = Severity;

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

/**
 * The one mapping between an AlertRecord field and its column: the SELECT list, the row type, the decoding of
 * a row and the encoding of an INSERT or UPDATE value all come from it. `time` is epoch ms in the record and a
 * timestamptz in the table; `int` an int8 (which pg returns as a string); `json` a jsonb.
 */
type FieldKind = 'text' | 'time' | 'json' | 'int';
const ALERT_FIELDS = {
  id: { column: 'id', kind: 'int' },
  fingerprint: { column: 'fingerprint', kind: 'text' },
  kind: { column: 'kind', kind: 'text' },
  monitor: { column: 'monitor', kind: 'text' },
  severity: { column: 'severity', kind: 'text' },
  state: { column: 'state', kind: 'text' },
  labels: { column: 'labels', kind: 'json' },
  seriesId: { column: 'series_id', kind: 'int' },
  summary: { column: 'summary', kind: 'text' },
  explanation: { column: 'explanation', kind: 'json' },
  startedAt: { column: 'started_at', kind: 'time' },
  firedAt: { column: 'fired_at', kind: 'time' },
  resolvedAt: { column: 'resolved_at', kind: 'time' },
  lastEvaluatedAt: { column: 'last_evaluated_at', kind: 'time' },
  clearCount: { column: 'clear_count', kind: 'int' },
  acknowledgedAt: { column: 'acknowledged_at', kind: 'time' },
  acknowledgedBy: { column: 'acknowledged_by', kind: 'text' },
  ackComment: { column: 'ack_comment', kind: 'text' },
  silencedBy: { column: 'silenced_by', kind: 'int' },
  notifiedAt: { column: 'notified_at', kind: 'time' },
} as const satisfies { [F in keyof AlertRecord]: { column: string; kind: FieldKind } };
type AlertField = keyof AlertRecord;
const FIELD_LIST = Object.entries(ALERT_FIELDS) as Array<[AlertField, { column: string; kind: FieldKind }]>;

/** Fields an episode is inserted without (set later by acknowledgement and notification). */
const NOT_INSERTED = ['id', 'acknowledgedAt', 'acknowledgedBy', 'ackComment', 'notifiedAt'] as const;
/** The fields of a new episode. */
export type NewAlert = Omit<AlertRecord, (typeof NOT_INSERTED)[number]>;
/** Fields an evaluation may change. */
export type AlertPatch = Partial<
  Omit<AlertRecord, 'id' | 'fingerprint' | 'kind' | 'monitor' | 'labels' | 'seriesId' | 'startedAt'>
>;

const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;
const ts = (param: string) => `('epoch'::timestamptz + ${param}::float8 * interval '1 millisecond')`;

/** A row as pg returns it: the record's fields under their column names, int8 as strings. */
type AlertRow = {
  [F in AlertField as (typeof ALERT_FIELDS)[F]['column']]: (typeof ALERT_FIELDS)[F]['kind'] extends 'int'
    ? string | Extract<AlertRecord[F], null> | number
    : AlertRecord[F];
};

const COLUMNS = FIELD_LIST.map(([, f]) => (f.kind === 'time' ? `${ms(f.column)} AS ${f.column}` : f.column)).join(', ');

function toRecord(r: AlertRow): AlertRecord {
  const row = r as Record<string, unknown>;
  const record: Record<string, unknown> = {};
  for (const [field, { column, kind }] of FIELD_LIST) {
    const value = row[column];
    record[field] = kind === 'int' && value !== null ? Number(value) : value;
  }
  return record as unknown as AlertRecord;
}

/** The SQL expression that takes parameter `p` into a column of `kind`. */
function paramExpr(kind: FieldKind, p: string): string {
  if (kind === 'time') return `CASE WHEN ${p}::float8 IS NULL THEN NULL ELSE ${ts(p)} END`;
  return kind === 'json' ? `${p}::jsonb` : kind === 'int' ? `${p}::int8` : `${p}::text`;
}

/** The parameter value of a field (jsonb as text, int8 as a decimal string). */
function paramValue(kind: FieldKind, value: unknown): unknown {
  if (kind === 'json') return JSON.stringify(value);
  return kind === 'int' && value !== null ? String(value) : value;
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
  const fields = FIELD_LIST.filter(([field]) => !(NOT_INSERTED as readonly string[]).includes(field));
  const values = fields.map(([field, { kind }]) => paramValue(kind, a[field as keyof NewAlert]));
  const rows = await query<AlertRow>(
    client,
    'insert alert',
    `INSERT INTO alert (${fields.map(([, f]) => f.column).join(', ')})
     VALUES (${fields.map(([, f], i) => paramExpr(f.kind, `$${i + 1}`)).join(', ')})
     ON CONFLICT (fingerprint) WHERE state <> 'resolved' DO NOTHING
     RETURNING ${COLUMNS}`,
    values,
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Applies `patch` to alert `id` and returns the row as it now is. */
export async function updateAlert(client: Queryable, id: number, patch: AlertPatch): Promise<AlertRecord> {
  const sets: string[] = ['updated_at = now()'];
  const values: unknown[] = [String(id)];
  for (const [key, value] of Object.entries(patch) as Array<[keyof AlertPatch, unknown]>) {
    if (value === undefined) continue;
    const { column, kind } = ALERT_FIELDS[key];
    values.push(paramValue(kind, value));
    sets.push(`${column} = ${paramExpr(kind, `$${values.length}`)}`);
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
  if (f.host !== undefined) where.push(`labels @> ${add(JSON.stringify({ [HOST_LABEL]: f.host }))}::jsonb`);
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

/** Which of `fingerprints` have an open (not resolved) alert: one statement for a page of series. */
export async function openAlertFingerprints(db: Database, fingerprints: readonly string[]): Promise<Set<string>> {
  if (fingerprints.length === 0) return new Set();
  const rows = await query<{ fingerprint: string }>(
    db,
    'find open alerts',
    `SELECT DISTINCT fingerprint FROM alert WHERE fingerprint = ANY($1::text[]) AND state <> 'resolved'`,
    [fingerprints],
  );
  return new Set(rows.map((r) => r.fingerprint));
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

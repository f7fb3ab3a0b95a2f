/**
 * SQL of the durable notification outbox. A notification row is inserted in
 * the transaction that changes the alert, so an alert state change is never
 * lost; the dispatcher claims due rows under a lease (several processes may
 * dispatch), records each attempt, and leaves a dead-letter row (state
 * 'dead') after the last one.
 */
import type { Database } from '../database.ts';
import { query, type Queryable } from '../transaction.ts';

export type NotifierKind = 'alertmanager' | 'webhook';
export type OutboxState = 'pending' | 'delivered' | 'dead' | 'suppressed';

export interface NewNotification {
  alertId: number;
  notifier: NotifierKind;
  target: string;
  secretRef: string | null;
  payload: Record<string, unknown>;
  /** epoch ms: created and first due */
  nowMs: number;
}

export interface OutboxRecord {
  id: number;
  alertId: number;
  notifier: NotifierKind;
  target: string;
  secretRef: string | null;
  payload: Record<string, unknown>;
  state: OutboxState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string | null;
  createdAt: number;
  deliveredAt: number | null;
}

const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;
const ts = (param: string) => `('epoch'::timestamptz + ${param}::float8 * interval '1 millisecond')`;
const COLUMNS = `id, alert_id, notifier, target, secret_ref, payload, state, attempts,
  ${ms('next_attempt_at')} AS next_attempt_at, last_error, ${ms('created_at')} AS created_at, ${ms('delivered_at')} AS delivered_at`;

interface OutboxRow {
  id: string;
  alert_id: string;
  notifier: NotifierKind;
  target: string;
  secret_ref: string | null;
  payload: Record<string, unknown>;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  created_at: number;
  delivered_at: number | null;
}

const toRecord = (r: OutboxRow): OutboxRecord => ({
  id: Number(r.id),
  alertId: Number(r.alert_id),
  notifier: r.notifier,
  target: r.target,
  secretRef: r.secret_ref,
  payload: r.payload,
  state: r.state,
  attempts: r.attempts,
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  deliveredAt: r.delivered_at,
});

/** Queues notifications on the caller's transaction. */
export async function enqueueNotifications(client: Queryable, rows: readonly NewNotification[]): Promise<void> {
  if (rows.length === 0) return;
  await query(
    client,
    'enqueue notifications',
    `INSERT INTO notification_outbox (alert_id, notifier, target, secret_ref, payload, next_attempt_at, created_at)
     SELECT a, n, t, s, p::jsonb, ${ts('c')}, ${ts('c')}
     FROM unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[]) AS u(a, n, t, s, p, c)`,
    [
      rows.map((r) => String(r.alertId)),
      rows.map((r) => r.notifier),
      rows.map((r) => r.target),
      rows.map((r) => r.secretRef),
      rows.map((r) => JSON.stringify(r.payload)),
      rows.map((r) => r.nowMs),
    ],
  );
}

/**
 * Claims up to `limit` due notifications (pending, next attempt reached, not
 * leased by another dispatcher) for `leaseMs`, oldest first.
 */
export async function claimDueNotifications(
  db: Database,
  nowMs: number,
  limit: number,
  leaseMs: number,
): Promise<OutboxRecord[]> {
  const rows = await query<OutboxRow>(
    db,
    'claim notifications',
    `UPDATE notification_outbox SET locked_until = ${ts('$1')} + $3::float8 * interval '1 millisecond'
     WHERE id IN (SELECT id FROM notification_outbox
                  WHERE state = 'pending' AND next_attempt_at <= ${ts('$1')}
                    AND (locked_until IS NULL OR locked_until <= ${ts('$1')})
                  ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)
     RETURNING ${COLUMNS}`,
    [nowMs, limit, leaseMs],
  );
  return rows.map(toRecord).sort((a, b) => a.id - b.id);
}

/** Records the outcome of one delivery attempt. */
export async function recordAttempt(
  db: Database,
  id: number,
  outcome:
    | { state: 'delivered'; attempts: number; atMs: number }
    | { state: 'pending'; attempts: number; nextAttemptMs: number; error: string }
    | { state: 'dead'; attempts: number; atMs: number; error: string }
    | { state: 'suppressed'; atMs: number; error: string },
): Promise<void> {
  switch (outcome.state) {
    case 'delivered':
      await query(
        db,
        'record delivery',
        `UPDATE notification_outbox SET state = 'delivered', attempts = $2, delivered_at = ${ts('$3')}, locked_until = NULL, last_error = NULL WHERE id = $1`,
        [String(id), outcome.attempts, outcome.atMs],
      );
      return;
    case 'pending':
      await query(
        db,
        'record failed attempt',
        `UPDATE notification_outbox SET attempts = $2, next_attempt_at = ${ts('$3')}, locked_until = NULL, last_error = $4 WHERE id = $1`,
        [String(id), outcome.attempts, outcome.nextAttemptMs, outcome.error],
      );
      return;
    case 'dead':
      await query(
        db,
        'record dead letter',
        `UPDATE notification_outbox SET state = 'dead', attempts = $2, next_attempt_at = ${ts('$3')}, locked_until = NULL, last_error = $4 WHERE id = $1`,
        [String(id), outcome.attempts, outcome.atMs, outcome.error],
      );
      return;
    case 'suppressed':
      await query(
        db,
        'record suppressed notification',
        `UPDATE notification_outbox SET state = 'suppressed', locked_until = NULL, last_error = $3, delivered_at = ${ts('$2')} WHERE id = $1`,
        [String(id), outcome.atMs, outcome.error],
      );
      return;
  }
}

/** Notifications in one state (e.g. the dead letters), newest first. */
export async function listNotifications(
  db: Database,
  q: { state?: OutboxState; alertId?: number; limit: number },
): Promise<OutboxRecord[]> {
  const rows = await query<OutboxRow>(
    db,
    'list notifications',
    `SELECT ${COLUMNS} FROM notification_outbox
     WHERE ($1::text IS NULL OR state = $1) AND ($2::int8 IS NULL OR alert_id = $2)
     ORDER BY id DESC LIMIT $3`,
    [q.state ?? null, q.alertId === undefined ? null : String(q.alertId), q.limit],
  );
  return rows.map(toRecord);
}

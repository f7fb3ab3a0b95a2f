/**
 * SQL of silences: label matchers + a time window + who and why. An alert
 * whose labels match every matcher of a silence active at the time is not
 * notified. Deleting a silence expires it (ends_at = now), keeping the record.
 */
import type { Database } from '../database.ts';
import type { LabelMatcher } from '../types.ts';
import { query, type Queryable } from '../transaction.ts';

/** Largest page of silences returned at once. */
export const MAX_SILENCE_PAGE = 1_000;

export interface SilenceRecord {
  id: number;
  matchers: LabelMatcher[];
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  createdAt: number;
  expiredAt: number | null;
}

const ms = (col: string) => `(extract(epoch FROM ${col}) * 1000)::float8`;
const ts = (param: string) => `('epoch'::timestamptz + ${param}::float8 * interval '1 millisecond')`;
const COLUMNS = `id, matchers, ${ms('starts_at')} AS starts_at, ${ms('ends_at')} AS ends_at, created_by, comment,
  ${ms('created_at')} AS created_at, ${ms('expired_at')} AS expired_at`;

interface SilenceRow {
  id: string;
  matchers: LabelMatcher[];
  starts_at: number;
  ends_at: number;
  created_by: string;
  comment: string;
  created_at: number;
  expired_at: number | null;
}

const toRecord = (r: SilenceRow): SilenceRecord => ({
  id: Number(r.id),
  matchers: r.matchers,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  createdBy: r.created_by,
  comment: r.comment,
  createdAt: r.created_at,
  expiredAt: r.expired_at,
});

/** Stores a silence (the caller validated the matchers and the window). */
export async function insertSilence(
  db: Database,
  s: { matchers: LabelMatcher[]; startsAt: number; endsAt: number; createdBy: string; comment: string; nowMs: number },
): Promise<SilenceRecord> {
  const rows = await query<SilenceRow>(
    db,
    'insert silence',
    `INSERT INTO silence (matchers, starts_at, ends_at, created_by, comment, created_at)
     VALUES ($1::jsonb, ${ts('$2')}, ${ts('$3')}, $4, $5, ${ts('$6')}) RETURNING ${COLUMNS}`,
    [JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.createdBy, s.comment, s.nowMs],
  );
  return toRecord(rows[0]!);
}

/** Silences, newest first; `activeAt` keeps only those in force at that time. */
export async function listSilences(
  db: Database | Queryable,
  q: { activeAtMs?: number; limit: number; offset: number },
): Promise<SilenceRecord[]> {
  const rows = await query<SilenceRow>(
    db,
    'list silences',
    `SELECT ${COLUMNS} FROM silence
     WHERE $1::float8 IS NULL OR (starts_at <= ${ts('$1')} AND ends_at > ${ts('$1')})
     ORDER BY id DESC LIMIT $2 OFFSET $3`,
    [q.activeAtMs ?? null, Math.min(q.limit, MAX_SILENCE_PAGE), q.offset],
  );
  return rows.map(toRecord);
}

/** Ends silence `id` at `nowMs` (if it would end later); null when it does not exist. */
export async function expireSilence(db: Database, id: number, nowMs: number): Promise<SilenceRecord | null> {
  const rows = await query<SilenceRow>(
    db,
    'expire silence',
    `UPDATE silence SET expired_at = coalesce(expired_at, ${ts('$2')}),
       ends_at = CASE WHEN ends_at > ${ts('$2')} THEN greatest(starts_at + interval '1 millisecond', ${ts('$2')}) ELSE ends_at END
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [String(id), nowMs],
  );
  return rows[0] ? toRecord(rows[0]) : null;
}

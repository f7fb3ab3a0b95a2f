/**
 * The anomaly job's saved detectors (`anomaly_detector_state`, migration 0030): per (monitor, series) the online
 * detector's bytes as of the series' checkpoint, written in the same transaction as the checkpoint so the two
 * never disagree. The bytes are opaque here (the analytics package makes and reads them); `version` and
 * `config` say whether a pass may use them.
 */
import type { Database } from '../database.ts';
import { withTransaction, query, type Queryable } from '../transaction.ts';

/** A saved detector. */
export interface DetectorState {
  /** epoch ms of the last point the detector learned */
  lastTime: number;
  state: Uint8Array;
}

/** What a series' checkpoint advances to, with its detector's state when there is one to save. */
export interface CheckpointAdvance {
  seriesId: number;
  /** epoch ms: every point at or before it has its score committed */
  lastTime: number;
  /** the detector after learning up to lastTime; absent = none saved this time (an older one stays) */
  state?: Uint8Array;
}

/** Rows per multi-row statement (each state is its own binary parameter: arrays of bytea go as hex text). */
export const DETECTOR_STATE_CHUNK_ROWS = 500;

/**
 * The saved detectors of `seriesIds` (of `monitor`) made by state `version` under `config`; the others (another
 * version, another config, none) are absent: the job replays history for those.
 */
export async function readDetectorStates(
  db: Database,
  monitor: string,
  seriesIds: readonly number[],
  match: { version: number; config: string },
): Promise<Map<number, DetectorState>> {
  if (seriesIds.length === 0) return new Map();
  const rows = await query<{ id: string; t: number; state: Uint8Array }>(
    db,
    'read detector states',
    `SELECT series_id AS id, (extract(epoch FROM last_time) * 1000)::float8 AS t, state FROM anomaly_detector_state
     WHERE monitor = $1 AND series_id = ANY($2::int8[]) AND version = $3 AND config = $4`,
    [monitor, seriesIds.map(String), match.version, match.config],
  );
  return new Map(rows.map((r) => [Number(r.id), { lastTime: r.t, state: r.state }]));
}

/**
 * Advances the checkpoints of many series (never backwards) and saves their detectors, in one transaction: a
 * state is only ever stored with the checkpoint it was made at. A series advanced without a state keeps its saved
 * one, now behind its checkpoint: a pass restores it and replays the points between the two (the job saves less
 * often than it advances when an in-process cache serves the passes between). `stateOf` null: the states are left
 * as they are.
 */
export async function advanceCheckpoints(
  db: Database,
  monitor: string,
  advances: readonly CheckpointAdvance[],
  stateOf: { version: number; config: string } | null,
): Promise<void> {
  if (advances.length === 0) return;
  await withTransaction(db, 'advance anomaly checkpoints', async (client) => {
    await client.query(
      `INSERT INTO anomaly_checkpoint (monitor, series_id, last_time, updated_at)
       SELECT $1, s, 'epoch'::timestamptz + t * interval '1 millisecond', now()
       FROM unnest($2::int8[], $3::float8[]) AS u(s, t)
       ON CONFLICT (monitor, series_id) DO UPDATE
         SET last_time = greatest(anomaly_checkpoint.last_time, EXCLUDED.last_time), updated_at = now()`,
      [monitor, advances.map((a) => String(a.seriesId)), advances.map((a) => a.lastTime)],
    );
    if (!stateOf) return;
    const saved = advances.filter((a) => a.state);
    for (let i = 0; i < saved.length; i += DETECTOR_STATE_CHUNK_ROWS) {
      await upsertStates(client, monitor, saved.slice(i, i + DETECTOR_STATE_CHUNK_ROWS), stateOf);
    }
  });
}

async function upsertStates(
  client: Queryable,
  monitor: string,
  rows: readonly CheckpointAdvance[],
  stateOf: { version: number; config: string },
): Promise<void> {
  const params: unknown[] = [monitor, stateOf.version, stateOf.config];
  const values = rows.map((r) => {
    params.push(String(r.seriesId), r.lastTime, Buffer.from(r.state!.buffer, r.state!.byteOffset, r.state!.length));
    const n = params.length;
    return `($${n - 2}::int8, 'epoch'::timestamptz + $${n - 1}::float8 * interval '1 millisecond', $${n}::bytea)`;
  });
  await client.query(
    `INSERT INTO anomaly_detector_state (monitor, series_id, version, config, last_time, state, updated_at)
     SELECT $1, v.s, $2, $3, v.t, v.b, now() FROM (VALUES ${values.join(', ')}) AS v(s, t, b)
     ON CONFLICT (monitor, series_id) DO UPDATE SET version = EXCLUDED.version, config = EXCLUDED.config,
       last_time = EXCLUDED.last_time, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at
     WHERE anomaly_detector_state.last_time <= EXCLUDED.last_time`,
    params,
  );
}

/** Series looked up by id (GET /predictions?series=ID), with the same fields as findSeries. */
import type { Database } from '../database.ts';
import { runQuery } from '../query/run.ts';
import { SERIES_INFO_COLUMNS, toSeriesInfo, type SeriesInfo } from '../query/series.ts';

/** Most ids one `seriesByIds` call accepts. */
export const MAX_SERIES_BY_IDS = 1_000;

/**
 * The series with these ids, ordered by id; unknown ids are absent.
 * @throws RangeError when more than MAX_SERIES_BY_IDS ids are given
 */
export async function seriesByIds(db: Database, ids: readonly number[]): Promise<SeriesInfo[]> {
  if (ids.length > MAX_SERIES_BY_IDS)
    throw new RangeError(`seriesByIds: at most ${MAX_SERIES_BY_IDS} ids per call, got ${ids.length}`);
  if (ids.length === 0) return [];
  const rows = await runQuery<Parameters<typeof toSeriesInfo>[0]>(
    db,
    'seriesByIds',
    `SELECT ${SERIES_INFO_COLUMNS} FROM series s JOIN metric m ON m.id = s.metric_id
     WHERE s.id = ANY($1::int8[]) ORDER BY s.id`,
    [ids.map(String)],
  );
  return rows.map(toSeriesInfo);
}

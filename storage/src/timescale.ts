/**
 * TimescaleDB statements that depend on configuration or on the ingest rate
 * (the schema itself is in migrations/*.timescaledb.sql): retention policies
 * and chunk intervals. Pure builders; Maintenance runs them.
 */

/** Hypertables whose chunks the retention policy drops. */
export const TIMESCALE_HYPERTABLES = ['samples', 'histogram_samples', 'exp_histogram_samples'] as const;
/** Continuous aggregates and the setting that bounds their retention. */
export const TIMESCALE_ROLLUPS = [
  { view: 'samples_1m', retention: 'raw' },
  { view: 'samples_5m', retention: 'raw' },
  { view: 'samples_1h', retention: 'rollup' },
] as const;

export interface Statement {
  text: string;
  values: unknown[];
}

function positiveDays(days: number, field: string): number {
  if (!Number.isInteger(days) || days < 1)
    throw new RangeError(`${field}: must be a positive integer number of days, got ${days}`);
  return days;
}

/**
 * Replaces the retention policy of every hypertable (raw days) and continuous
 * aggregate (samples_1m and samples_5m: raw days, samples_1h: rollup days): remove, then add.
 */
export function retentionPolicyStatements(rawDays: number, rollupDays: number): Statement[] {
  const raw = positiveDays(rawDays, 'retentionDays');
  const rollup = positiveDays(rollupDays, 'rollupRetentionDays');
  const statements: Statement[] = [];
  const relations: Array<[string, number]> = [
    ...TIMESCALE_HYPERTABLES.map((t): [string, number] => [t, raw]),
    ...TIMESCALE_ROLLUPS.map((r): [string, number] => [r.view, r.retention === 'raw' ? raw : rollup]),
  ];
  for (const [relation, days] of relations) {
    statements.push({ text: 'SELECT remove_retention_policy($1::regclass, if_exists => true)', values: [relation] });
    statements.push({
      text: 'SELECT add_retention_policy($1::regclass, drop_after => make_interval(days => $2))',
      values: [relation, days],
    });
  }
  return statements;
}

/**
 * Chunk intervals hydra gives new chunks, in hours: divisors of a day, so chunks start on whole hours and days.
 * At most a day: a chunk is compressed and dropped whole, so a longer one would keep data uncompressed, and past
 * retention, for longer (plain mode's partitions are days too).
 */
export const CHUNK_INTERVAL_LADDER_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;
/** Time the current chunk must have been written to before its growth rate is trusted. */
export const MIN_CHUNK_RATE_WINDOW_SECONDS = 600;

/**
 * The chunk interval (hours) sized for the ingest rate, as TimescaleDB advises: the chunks being written, with
 * their indexes, should fit in about a quarter of the memory — which is what `shared_buffers` is set to on a tuned
 * server (timescaledb-tune) — so inserts and index updates stay in memory. `bytesPerSecond` is the growth of the
 * chunks being written (all point hypertables together), `targetBytes` what they may take. Returns the longest
 * interval on the ladder that fits, 1 h at least.
 */
export function chunkIntervalHours(bytesPerSecond: number, targetBytes: number): number {
  if (!(targetBytes > 0)) throw new RangeError(`chunkIntervalHours: targetBytes must be positive, got ${targetBytes}`);
  if (!(bytesPerSecond >= 0))
    throw new RangeError(`chunkIntervalHours: bytesPerSecond must be non-negative, got ${bytesPerSecond}`);
  let chosen: number = CHUNK_INTERVAL_LADDER_HOURS[0];
  for (const hours of CHUNK_INTERVAL_LADDER_HOURS) if (bytesPerSecond * hours * 3600 <= targetBytes) chosen = hours;
  return chosen;
}

/**
 * Measures the chunks being written: for each point hypertable, the chunk whose range holds $2 (now), its size
 * (heap, indexes, TOAST) over the time since its range started.
 */
export const CHUNK_GROWTH_SQL = `
WITH current AS (
  SELECT c.hypertable_name, c.chunk_schema, c.chunk_name, c.range_start
  FROM timescaledb_information.chunks c
  WHERE c.hypertable_name = ANY($1::text[]) AND c.range_start <= $2::timestamptz AND c.range_end > $2::timestamptz
    AND NOT c.is_compressed
)
SELECT
  (SELECT sum(pg_total_relation_size(format('%I.%I', chunk_schema, chunk_name)::regclass))::float8 FROM current)
    AS bytes,
  (SELECT extract(epoch FROM $2::timestamptz - min(range_start))::float8 FROM current) AS seconds,
  (SELECT setting::float8 * current_setting('block_size')::float8 FROM pg_settings WHERE name = 'shared_buffers')
    AS shared_buffers,
  (SELECT extract(epoch FROM time_interval)::float8 / 3600 FROM timescaledb_information.dimensions
    WHERE hypertable_name = 'samples' AND column_name = 'time') AS interval_hours`;

/** Statement giving the point hypertables' new chunks `hours`-long chunks (existing chunks keep theirs). */
export function chunkIntervalStatements(hours: number): Statement[] {
  if (!(CHUNK_INTERVAL_LADDER_HOURS as readonly number[]).includes(hours))
    throw new RangeError(`chunk interval: ${hours} h is not one of ${CHUNK_INTERVAL_LADDER_HOURS.join(', ')}`);
  return TIMESCALE_HYPERTABLES.map((t) => ({
    text: 'SELECT set_chunk_time_interval($1::regclass, make_interval(hours => $2))',
    values: [t, hours],
  }));
}

/**
 * TimescaleDB policy statements that depend on configuration (the schema
 * itself is in migrations/*.timescaledb.sql). Pure builders, so the SQL can be
 * checked without a TimescaleDB server; Maintenance runs them.
 */

/** Hypertables whose chunks the retention policy drops. */
export const TIMESCALE_HYPERTABLES = ['samples', 'histogram_samples', 'exp_histogram_samples'] as const;
/** Continuous aggregates and the setting that bounds their retention. */
export const TIMESCALE_ROLLUPS = [
  { view: 'samples_1m', retention: 'raw' },
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
 * aggregate (samples_1m: raw days, samples_1h: rollup days): remove, then add.
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

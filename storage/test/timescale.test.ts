/**
 * The text of what hydra sends TimescaleDB: the migration files of the
 * timescaledb mode and the policy statements Maintenance generates. What they
 * do on a real TimescaleDB is tested by timescale-mode.test.ts (and every
 * suite on the 'timescaledb' test backend).
 */
import { describe, expect, it } from 'vitest';
import { loadMigrations, MigrationError, retentionPolicyStatements } from '@hydra/storage';
import { resolveMode } from '../src/database.ts';

async function timescaleSql(): Promise<string> {
  return (await loadMigrations('timescaledb')).map((m) => m.sql).join('\n');
}

/** Column aliases of a continuous aggregate's SELECT list. */
function caggColumns(sql: string, view: string): string[] {
  const body =
    new RegExp(`CREATE MATERIALIZED VIEW ${view}[\\s\\S]*?SELECT([\\s\\S]*?)FROM samples`).exec(sql)?.[1] ?? '';
  return body
    .split(/,\s*\n/)
    .map((c) => c.trim())
    .map((c) => /\bAS (\w+)$/.exec(c)?.[1] ?? c);
}

describe('TimescaleDB mode', () => {
  it('makes one-day hypertables without default indexes, indexed by (series_id, time DESC)', async () => {
    const sql = await timescaleSql();
    expect(sql).toContain('CREATE EXTENSION IF NOT EXISTS timescaledb;');
    for (const table of ['samples', 'histogram_samples', 'exp_histogram_samples']) {
      expect(sql).toContain(
        `SELECT create_hypertable('${table}', by_range('time', INTERVAL '1 day'), create_default_indexes => false);`,
      );
      expect(sql).toContain(`CREATE INDEX ${table}_series_time ON ${table} (series_id, time DESC);`);
      expect(sql).toContain(
        `ALTER TABLE ${table} SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');`,
      );
      expect(sql).toContain(`SELECT add_compression_policy('${table}', compress_after => INTERVAL '2 hours');`);
      expect(sql).toContain(`SELECT add_retention_policy('${table}', drop_after => INTERVAL '30 days');`);
    }
    expect(sql).not.toMatch(/PARTITION BY/);
  });

  it('defines continuous aggregates with the same columns as the plain rollup tables, refreshed by policies', async () => {
    const sql = await timescaleSql();
    const plain = (await loadMigrations('postgres')).map((m) => m.sql).join('\n');
    const plainColumns = /CREATE TABLE samples_1m \(([\s\S]*?)PRIMARY KEY/
      .exec(plain)![1]!
      .split(',')
      .map((c) => c.trim().split(/\s+/)[0])
      .filter((c): c is string => Boolean(c));
    expect(plainColumns).toEqual(['series_id', 'bucket', 'min', 'max', 'sum', 'count', 'last', 'last_time']);
    for (const [view, width] of [
      ['samples_1m', '1 minute'],
      ['samples_5m', '5 minutes'],
      ['samples_1h', '1 hour'],
    ] as const) {
      expect(caggColumns(sql, view)).toEqual(plainColumns);
      expect(sql).toContain(
        `CREATE MATERIALIZED VIEW ${view}\n  WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS`,
      );
      expect(sql).toContain(`time_bucket(INTERVAL '${width}', time) AS bucket`);
      expect(sql).toMatch(
        new RegExp(
          `add_continuous_aggregate_policy\\('${view}',\\s+start_offset => INTERVAL '[^']+', end_offset => INTERVAL '${width}'`,
        ),
      );
    }
    expect(sql.match(/WITH NO DATA;/g)).toHaveLength(3);
  });

  it('makes (series_id, time DESC) unique after taking compression off, deduplicating first, then restores it', async () => {
    const sql = (await loadMigrations('timescaledb')).find((m) => m.version === 6)?.sql ?? '';
    expect(sql).toContain('LOCK TABLE samples, histogram_samples, exp_histogram_samples IN ACCESS EXCLUSIVE MODE;');
    for (const table of ['samples', 'histogram_samples', 'exp_histogram_samples']) {
      // TimescaleDB refuses a unique index while compression is enabled: every step must come in this order.
      const steps = [
        `SELECT remove_compression_policy('${table}', if_exists => true);`,
        `SELECT decompress_chunk(c, if_compressed => true) FROM show_chunks('${table}') c;`,
        `ALTER TABLE ${table} SET (timescaledb.compress = false);`,
        `DELETE FROM ${table} a USING ${table} b\nWHERE a.series_id = b.series_id AND a.time = b.time AND a.tableoid = b.tableoid AND a.ctid > b.ctid;`,
        `DROP INDEX ${table}_series_time;`,
        `CREATE UNIQUE INDEX ${table}_series_time ON ${table} (series_id, time DESC);`,
        `ALTER TABLE ${table} SET (timescaledb.compress, timescaledb.compress_segmentby = 'series_id', timescaledb.compress_orderby = 'time DESC');`,
        `SELECT add_compression_policy('${table}', compress_after => INTERVAL '2 hours');`,
      ];
      const at = steps.map((step) => sql.indexOf(step));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
  });

  it('generates retention policy statements for the configured days', () => {
    const statements = retentionPolicyStatements(14, 400);
    expect(statements).toHaveLength(12);
    expect(statements.slice(0, 2)).toEqual([
      { text: 'SELECT remove_retention_policy($1::regclass, if_exists => true)', values: ['samples'] },
      {
        text: 'SELECT add_retention_policy($1::regclass, drop_after => make_interval(days => $2))',
        values: ['samples', 14],
      },
    ]);
    const added = statements.filter((s) => s.text.startsWith('SELECT add_')).map((s) => s.values);
    expect(added).toEqual([
      ['samples', 14],
      ['histogram_samples', 14],
      ['exp_histogram_samples', 14],
      ['samples_1m', 14],
      ['samples_5m', 14],
      ['samples_1h', 400],
    ]);
    expect(() => retentionPolicyStatements(0, 1)).toThrow(/retentionDays: must be a positive integer/);
  });

  it('resolves HYDRA_STORAGE modes, keeping the mode a database was migrated in', () => {
    expect(resolveMode('auto', true, null)).toBe('timescaledb');
    expect(resolveMode('auto', false, null)).toBe('postgres');
    expect(resolveMode('auto', true, 'postgres')).toBe('postgres');
    expect(resolveMode('timescaledb', true, null)).toBe('timescaledb');
    expect(() => resolveMode('timescaledb', false, null)).toThrow(MigrationError);
    expect(() => resolveMode('postgres', true, 'timescaledb')).toThrow(/migrated in 'timescaledb' mode/);
  });
});

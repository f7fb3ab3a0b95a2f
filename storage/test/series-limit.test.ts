/**
 * The per-metric series limit is exact under concurrency (issue 19 item 7:
 * 51,000 series were stored for a limit of 50,000 when several collectors
 * created series at once): registries that do not share a cache, resolving
 * new series of one metric concurrently, store exactly the limit and refuse
 * the rest with series_limit.
 */
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeriesRegistry } from '../src/index.ts';
import { gauge, openMigrated, ref, type MigratedDatabase } from './helpers.ts';

const LIMIT = 50;
const REGISTRIES = 4;
const CALLS_PER_REGISTRY = 6;
const SERIES_PER_CALL = 10;

describe.each(testBackends())('the series limit under concurrency on %s', (backend) => {
  let m: MigratedDatabase;
  beforeAll(async () => {
    m = await openMigrated(backend);
  }, 60_000);
  afterAll(async () => m?.close());

  it(`${REGISTRIES} registries creating ${REGISTRIES * CALLS_PER_REGISTRY * SERIES_PER_CALL} series at once store exactly ${LIMIT}`, async () => {
    const metric = gauge('limit.race');
    const registries = Array.from(
      { length: REGISTRIES },
      () => new SeriesRegistry(m.db, { maxSeriesPerMetric: LIMIT }),
    );
    const outcomes = (
      await Promise.all(
        registries.flatMap((registry, r) =>
          Array.from({ length: CALLS_PER_REGISTRY }, (_, c) =>
            registry.resolve(
              Array.from({ length: SERIES_PER_CALL }, (_, i) =>
                ref(metric, { r: String(r), c: String(c), i: String(i) }),
              ),
            ),
          ),
        ),
      )
    ).flat();
    const ids = outcomes.filter((o) => typeof o === 'number');
    const refused = outcomes.filter((o) => typeof o !== 'number');
    expect(ids).toHaveLength(LIMIT);
    expect(refused).toHaveLength(outcomes.length - LIMIT);
    for (const o of refused) expect(o).toMatchObject({ rejected: 'series_limit' });
    const { rows } = await m.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM series s JOIN metric x ON x.id = s.metric_id WHERE x.name = 'limit.race'`,
    );
    expect(rows[0]!.n).toBe(LIMIT);
  });
});

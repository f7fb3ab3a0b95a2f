import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeriesRegistry } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { counter, gauge, openMigrated, ref, type MigratedDatabase } from './helpers.ts';

describe.each(testBackends())('SeriesRegistry on %s', (backend) => {
  let m: MigratedDatabase;
  beforeAll(async () => {
    m = await openMigrated(backend);
  });
  afterAll(async () => m?.close());

  it('gives stable ids in request order, whatever the label order', async () => {
    const registry = new SeriesRegistry(m.db);
    const a = ref(gauge('stable.a'), { host: 'h1', region: 'eu' });
    const b = ref(gauge('stable.a'), { host: 'h2' });
    const [ida, idb] = await registry.resolve([a, b]);
    expect(typeof ida).toBe('number');
    expect(idb).not.toBe(ida);
    // same identity, labels in another order, through a fresh registry (empty cache): same id
    const fresh = new SeriesRegistry(m.db);
    expect(await fresh.resolve([b, ref(gauge('stable.a'), { region: 'eu', host: 'h1' })])).toEqual([idb, ida]);
    // a different descriptor (counter vs gauge) is a different series
    const [other] = await fresh.resolve([ref(counter('stable.a'), { host: 'h1', region: 'eu' })]);
    expect(other).not.toBe(ida);
  });

  it('answers refs carrying an identityKey from its alias cache, with the same ids as canonical lookups', async () => {
    const registry = new SeriesRegistry(m.db);
    const plain = [ref(gauge('alias'), { host: 'h1', region: 'eu' }), ref(gauge('alias'), { host: 'h2' })];
    const ids = await registry.resolve(plain);
    const keyed = plain.map((r, i) => ({ ...r, identityKey: `k${i}` }));
    expect(await registry.resolve(keyed)).toEqual(ids); // alias misses, canonical hits
    expect(await registry.resolve(keyed)).toEqual(ids); // alias hits
    // a second key for the same identity (labels in another order) resolves to the same id
    const reordered = { ...ref(gauge('alias'), { region: 'eu', host: 'h1' }), identityKey: 'other' };
    expect(await registry.resolve([reordered])).toEqual([ids[0]]);
    // a fresh registry fills its alias cache from the database
    const fresh = new SeriesRegistry(m.db);
    expect(await fresh.resolve(keyed)).toEqual(ids);
    expect(await fresh.resolve(keyed)).toEqual(ids);
  });

  it('keeps its cache within the bound', async () => {
    const registry = new SeriesRegistry(m.db, { cacheSize: 10 });
    const refs = Array.from({ length: 50 }, (_, i) => ref(gauge('bounded'), { i: String(i) }));
    const ids = await registry.resolve(refs);
    expect(new Set(ids).size).toBe(50);
    expect(registry.cachedSeries).toBe(10);
    expect(await registry.resolve(refs)).toEqual(ids);
  });

  it('refuses new series past the per-metric limit but resolves existing ones', async () => {
    const registry = new SeriesRegistry(m.db, { maxSeriesPerMetric: 3 });
    const refs = Array.from({ length: 5 }, (_, i) => ref(gauge('limited'), { i: String(i) }));
    const out = await registry.resolve(refs);
    expect(out.slice(0, 3).every((x) => typeof x === 'number')).toBe(true);
    expect(out[3]).toMatchObject({ rejected: 'series_limit' });
    expect((out[4] as { message: string }).message).toMatch(/metric 'limited' already has 3 series/);
    // a new registry learns the count from the database
    const later = new SeriesRegistry(m.db, { maxSeriesPerMetric: 3 });
    const again = await later.resolve([refs[1]!, ref(gauge('limited'), { i: 'new' })]);
    expect(again[0]).toBe(out[1]);
    expect(again[1]).toMatchObject({ rejected: 'series_limit' });
  });

  it('gives concurrent resolvers of the same new series the same id', async () => {
    const r1 = new SeriesRegistry(m.db);
    const r2 = new SeriesRegistry(m.db);
    const refs = Array.from({ length: 20 }, (_, i) => ref(gauge('race'), { i: String(i) }));
    const results = await Promise.all([r1.resolve(refs), r1.resolve(refs), r2.resolve([...refs].reverse())]);
    expect(results[1]).toEqual(results[0]);
    expect([...results[2]].reverse()).toEqual(results[0]);
    const count = await m.db.pool.query(
      `SELECT count(*)::int AS n FROM series s JOIN metric m ON m.id = s.metric_id WHERE m.name = 'race'`,
    );
    expect(count.rows[0].n).toBe(20);
  });

  it('names the field of a malformed descriptor', async () => {
    const registry = new SeriesRegistry(m.db);
    const bad = { metric: { ...gauge('bad'), kind: 'counter' }, labels: {} } as never;
    await expect(registry.resolve([ref(gauge('ok'), {}), bad])).rejects.toThrow(/refs\[1\]\.metric\.kind: 'counter'/);
    const numeric = { metric: gauge('bad'), labels: { port: 8080 } } as never;
    await expect(registry.resolve([numeric])).rejects.toThrow(
      /refs\[0\]\.labels\["port"\]: must be a string, got number/,
    );
  });
});

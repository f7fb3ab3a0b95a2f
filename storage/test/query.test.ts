import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BatchWriter,
  InvalidQueryError,
  Maintenance,
  QueryLimitError,
  SeriesRegistry,
  findSeries,
  labelNames,
  labelValues,
  listMetrics,
  queryRange,
  type Aggregation,
  type RangeQuery,
  type SamplePoint,
} from '@hydra/storage';
import { testBackendMode, testBackends } from '@hydra/storage/testing';
import { counter, gauge, openMigrated, ref, type MigratedDatabase } from './helpers.ts';

const DAY_MS = 86_400_000;
const STEP_S = 15;
const HOURS = 3;
const AGGREGATIONS: Aggregation[] = ['avg', 'min', 'max', 'sum', 'count', 'last', 'rate'];
/** The sample at which q.requests restarts from 0. */
const RESET_AT = 410;

describe.each(testBackends())('queries on %s', (backend) => {
  let m: MigratedDatabase;
  /**
   * 00:00 UTC two days ago: inside retention, whole buckets, and its one-day chunk ended more than a day ago, so the
   * compression policy (chunks older than 2 hours) takes it at any time of day (yesterday's chunk ends at 00:00
   * today: from 00:00 to 02:00 UTC it was not old enough)
   */
  const base = Math.floor(Date.now() / DAY_MS) * DAY_MS - 2 * DAY_MS;
  const from = new Date(base);
  const to = new Date(base + HOURS * 3_600_000 - 1);
  let cpu: number[];
  let requests: number;
  let delta: number;
  let latency: number;
  let size: number;

  // plain mode's rollup tables and TimescaleDB's continuous aggregates are checked against raw data by their own
  // test; each is declared in its mode only (not skipped in the other)
  const declaredIf = (mode: string): typeof it =>
    testBackendMode(backend) === mode ? it : ((() => undefined) as unknown as typeof it);

  beforeAll(async () => {
    m = await openMigrated(backend);
    const registry = new SeriesRegistry(m.db);
    const ids = (await registry.resolve([
      ref(gauge('q.cpu'), { 'host.name': 'a', env: 'prod' }),
      ref(gauge('q.cpu'), { 'host.name': 'b', env: 'dev' }),
      ref(gauge('q.cpu'), { 'host.name': 'c' }),
      ref(counter('q.requests'), { 'host.name': 'a' }),
      ref(counter('q.delta', 'delta'), { 'host.name': 'a' }),
      ref(
        { name: 'q.latency', kind: 'histogram', unit: 's', temporality: 'cumulative', monotonic: false },
        { 'host.name': 'a' },
      ),
      ref(
        { name: 'q.size', kind: 'exponential_histogram', unit: 'By', temporality: 'delta', monotonic: false },
        { 'host.name': 'a' },
      ),
    ])) as number[];
    cpu = ids.slice(0, 3);
    [requests, delta, latency, size] = ids.slice(3) as [number, number, number, number];
    const samples: SamplePoint[] = [];
    const n = (HOURS * 3600) / STEP_S;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const timeUs = (base + i * STEP_S * 1000) * 1000;
      cpu.forEach((id, k) => samples.push({ seriesId: id, timeUs, value: (i * 7 + k * 13) % 100 }));
      // a counter that resets to 0 at i = 410, in the middle of a 5-minute bucket (samples 400-419)
      total = i === RESET_AT ? 0 : total + (i % 5);
      samples.push({ seriesId: requests, timeUs, value: total });
      samples.push({ seriesId: delta, timeUs, value: i % 3 });
    }
    const writer = new BatchWriter(m.db);
    writer.start();
    await writer.write({
      samples,
      histograms: [
        {
          seriesId: latency,
          timeUs: base * 1000,
          startTimeUs: null,
          count: 3,
          sum: 1.5,
          min: 0.2,
          max: 0.9,
          bounds: [0.5],
          bucketCounts: [2, 1],
        },
      ],
      expHistograms: [
        {
          seriesId: size,
          timeUs: base * 1000,
          startTimeUs: (base - 60_000) * 1000,
          count: 7,
          sum: 9,
          min: -3,
          max: 3.5,
          scale: 0,
          zeroCount: 1,
          zeroThreshold: 0,
          positiveOffset: 0,
          positiveCounts: [2, 3],
          negativeOffset: 1,
          negativeCounts: [1],
        },
      ],
    });
    await writer.shutdown();
  });
  afterAll(async () => m?.close());

  const q = (extra: Partial<RangeQuery>): RangeQuery => ({ name: 'q.cpu', matchers: [], from, to, ...extra });

  it('applies = != =~ !~ with Prometheus semantics', async () => {
    const hosts = async (matchers: RangeQuery['matchers']): Promise<string[]> =>
      (await findSeries(m.db, { name: 'q.cpu', matchers })).map((s) => s.labels['host.name'] as string).sort();
    expect(await hosts([{ name: 'env', op: '=', value: 'prod' }])).toEqual(['a']);
    expect(await hosts([{ name: 'env', op: '!=', value: 'prod' }])).toEqual(['b', 'c']); // c lacks the label
    expect(await hosts([{ name: 'env', op: '=', value: '' }])).toEqual(['c']);
    expect(await hosts([{ name: 'env', op: '!=', value: '' }])).toEqual(['a', 'b']);
    expect(await hosts([{ name: 'host.name', op: '=~', value: 'a|b' }])).toEqual(['a', 'b']);
    expect(await hosts([{ name: 'host.name', op: '=~', value: 'a.*' }])).toEqual(['a']);
    expect(await hosts([{ name: 'host.name', op: '=~', value: 'b' }])).toEqual(['b']); // anchored: not 'contains'
    expect(await hosts([{ name: 'env', op: '!~', value: 'pr.*' }])).toEqual(['b', 'c']);
    const byName = await findSeries(m.db, { matchers: [{ name: '__name__', op: '=~', value: 'q\\.(cpu|requests)' }] });
    expect(byName.map((s) => s.metric)).toEqual(['q.cpu', 'q.cpu', 'q.cpu', 'q.requests']);
  });

  it('refuses a bad regex naming the matcher', async () => {
    await expect(findSeries(m.db, { matchers: [{ name: 'env', op: '=~', value: '(' }] })).rejects.toThrow(
      InvalidQueryError,
    );
    await expect(findSeries(m.db, { matchers: [{ name: 'env', op: '=~', value: '(' }] })).rejects.toThrow(
      /matchers\[0\]\.value/,
    );
  });

  it('returns raw points exactly, and refuses past the points ceiling with advice to set a step', async () => {
    const res = await queryRange(
      m.db,
      q({ matchers: [{ name: 'host.name', op: '=', value: 'a' }], to: new Date(base + 60_000) }),
    );
    expect(res.source).toBe('raw');
    expect(res.series).toHaveLength(1);
    expect(res.series[0]!.points).toEqual([0, 1, 2, 3, 4].map((i) => [base + i * 15_000, (i * 7) % 100]));
    const err = await queryRange(m.db, q({ maxPoints: 1_000 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryLimitError);
    expect((err as QueryLimitError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/set a step/);
  });

  it('refuses too many series and too fine a step', async () => {
    await expect(queryRange(m.db, q({ maxSeries: 2 }))).rejects.toThrow(/more than 2 series/);
    const wide = { from: new Date(base - 30 * DAY_MS), to: new Date(base), stepSeconds: 60 };
    await expect(queryRange(m.db, q(wide))).rejects.toThrow(/more than 11000; use a step of at least 236 s/);
  });

  it('computes every aggregation per step bucket from raw data', async () => {
    const step = 300;
    for (const aggregation of AGGREGATIONS.filter((a) => a !== 'rate')) {
      const res = await queryRange(
        m.db,
        q({ stepSeconds: step, aggregation, matchers: [{ name: 'host.name', op: '=', value: 'b' }] }),
      );
      const points = res.series[0]!.points;
      expect(points).toHaveLength((HOURS * 3600) / step);
      const per = step / STEP_S;
      const bucket = (j: number): number[] => Array.from({ length: per }, (_, i) => ((j * per + i) * 7 + 13) % 100);
      const expected = points.map((_, j) => {
        const vs = bucket(j);
        const sum = vs.reduce((a, b) => a + b, 0);
        return {
          avg: sum / vs.length,
          min: Math.min(...vs),
          max: Math.max(...vs),
          sum,
          count: vs.length,
          last: vs.at(-1)!,
        }[aggregation as 'avg'];
      });
      expect(points.map((p) => p[1])).toEqual(expected);
      expect(points.map((p) => p[0])).toEqual(points.map((_, j) => base + j * step * 1000));
    }
  });

  it('computes rate of a cumulative counter across a reset, and of a delta sum', async () => {
    const res = await queryRange(m.db, {
      name: 'q.requests',
      matchers: [],
      from,
      to,
      stepSeconds: 300,
      aggregation: 'rate',
    });
    const points = res.series[0]!.points;
    // increments are i % 5 per 15 s sample: 2 per sample on average → 10 per 75 s → 2/15 per second
    const totals: number[] = [];
    let total = 0;
    for (let i = 0; i < (HOURS * 3600) / STEP_S; i++) {
      total = i === RESET_AT ? 0 : total + (i % 5);
      totals.push(total);
    }
    // what the counter gained from the last sample of bucket j-1 to the last of bucket j, sample by sample:
    // at the reset it counted from 0 again, and what it gained before the reset in the same bucket counts too
    const increase = (j: number): number => {
      let sum = 0;
      for (let i = j * 20; i < (j + 1) * 20; i++)
        sum += totals[i]! >= totals[i - 1]! ? totals[i]! - totals[i - 1]! : totals[i]!;
      return sum;
    };
    // the first bucket has no predecessor in range, so it has no rate
    expect(points[0]![0]).toBe(base + 300_000);
    for (const [t, value] of points) {
      const j = (t - base) / 300_000;
      expect(value, `bucket ${j}`).toBeCloseTo(increase(j) / 300, 12);
    }
    // the bucket of the restart reads what was counted before and after it, not only after (not a cliff)
    const restart = points.find(([t]) => t === base + Math.floor(RESET_AT / 20) * 300_000)![1];
    expect(restart).toBeGreaterThan(0.5 * (2 / 15));
    expect(points.every(([, v]) => v >= 0)).toBe(true); // the reset never gives a negative rate
    const d = await queryRange(m.db, { name: 'q.delta', matchers: [], from, to, stepSeconds: 60, aggregation: 'rate' });
    expect(d.series[0]!.points[0]).toEqual([base, (0 + 1 + 2 + 0) / 60]);
  });

  it('returns histogram points for histogram and exponential histogram series', async () => {
    const res = await queryRange(m.db, { name: 'q.latency', matchers: [], from, to });
    const exp = await queryRange(m.db, { name: 'q.size', matchers: [], from, to, stepSeconds: 60 });
    expect(exp.series[0]!.points).toEqual([]);
    expect(exp.series[0]!.histograms).toEqual([
      {
        t: base,
        startT: base - 60_000,
        count: 7,
        sum: 9,
        min: -3,
        max: 3.5,
        bounds: [-4, -2, 0, 1, 2, 4],
        bucketCounts: [0, 1, 1, 0, 2, 3, 0],
      },
    ]);
    expect(res.series[0]!.histograms).toEqual([
      { t: base, startT: null, count: 3, sum: 1.5, min: 0.2, max: 0.9, bounds: [0.5], bucketCounts: [2, 1] },
    ]);
  });

  declaredIf('timescaledb')(
    'reads the continuous aggregates, real-time, materialised and compressed, with the results of the raw points',
    async () => {
      // the query reads the aggregate's materialisation up to its watermark, raw samples after it
      const stepped = async (materialised: boolean) => {
        const out: Record<string, Array<Array<[number, number]>>> = {};
        for (const step of [300, 3600])
          for (const aggregation of AGGREGATIONS)
            for (const name of ['q.cpu', 'q.requests']) {
              const res = await queryRange(m.db, { name, matchers: [], from, to, stepSeconds: step, aggregation });
              expect(res.source).toBe(materialised ? (step === 3600 ? 'rollup_1h' : 'rollup_5m') : 'raw');
              out[`${step}/${aggregation}/${name}`] = res.series.map((x) => x.points);
            }
        return out;
      };
      // nothing materialised yet (the refresh policies are background workers, which PGlite does not run, and
      // Maintenance has not refreshed the writer's backfill record): all of it is read from the raw points
      const realTime = await stepped(false);
      const raw = await queryRange(m.db, { name: 'q.cpu', matchers: [], from, to });
      for (const step of [300, 3600]) {
        for (const [k, series] of raw.series.entries()) {
          const buckets = new Map<number, number[]>();
          for (const [t, v] of series.points) {
            const b = Math.floor(t / (step * 1000)) * step * 1000;
            buckets.set(b, [...(buckets.get(b) ?? []), v]);
          }
          const expected = [...buckets].map(([t, vs]) => ({
            t,
            avg: vs.reduce((a, b) => a + b, 0) / vs.length,
            min: Math.min(...vs),
            max: Math.max(...vs),
            count: vs.length,
            last: vs.at(-1)!,
          }));
          for (const aggregation of ['avg', 'min', 'max', 'count', 'last'] as const) {
            const got = realTime[`${step}/${aggregation}/q.cpu`]![k]!;
            expect(got.map(([t]) => t)).toEqual(expected.map((e) => e.t));
            got.forEach(([, v], i) => expect(v).toBeCloseTo(expected[i]![aggregation], 9));
          }
        }
      }
      // the first 100 minutes materialised: a 5-minute step reads the 5m aggregate, then raw points after its
      // watermark
      await m.db.pool.query("CALL refresh_continuous_aggregate('samples_5m', $1::timestamptz, $2::timestamptz)", [
        from.toISOString(),
        new Date(base + 100 * 60_000).toISOString(),
      ]);
      for (const aggregation of AGGREGATIONS) {
        const mixed = await queryRange(m.db, { name: 'q.cpu', matchers: [], from, to, stepSeconds: 300, aggregation });
        expect(mixed.source).toBe('mixed');
        expect(mixed.series.map((x) => x.points)).toEqual(realTime[`300/${aggregation}/q.cpu`]);
      }
      // materialised: Maintenance refreshes both aggregates over the range the writer recorded
      const report = await new Maintenance(m.db).runOnce();
      expect(report.backfillSpans).toBeGreaterThanOrEqual(1);
      const materialised = await m.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM samples_1h');
      expect(materialised.rows[0]!.n).toBeGreaterThan(0);
      expect(await stepped(true)).toEqual(realTime);
      // compressed: what the compression policy does to chunks older than 2 hours, run here as its job
      const jobs = await m.db.pool.query<{ job_id: number }>(
        "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression' AND hypertable_name = 'samples'",
      );
      for (const { job_id } of jobs.rows) await m.db.pool.query('CALL run_job($1)', [job_id]);
      const compressed = await m.db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM timescaledb_information.chunks WHERE hypertable_name = 'samples' AND is_compressed",
      );
      expect(compressed.rows[0]!.n).toBeGreaterThan(0);
      expect(await stepped(true)).toEqual(realTime);
    },
  );

  declaredIf('postgres')('reads rollups (and raw after the watermark) with the same results as raw', async () => {
    const raw: Record<string, unknown> = {};
    const cases: Array<[number, Aggregation, string]> = [];
    for (const step of [60, 300, 1200, 3600])
      for (const a of AGGREGATIONS) cases.push([step, a, 'q.cpu'], [step, a, 'q.requests']);
    for (const [step, aggregation, name] of cases) {
      const res = await queryRange(m.db, { name, matchers: [], from, to, stepSeconds: step, aggregation });
      expect(res.source).toBe('raw');
      raw[`${step}/${aggregation}/${name}`] = res.series.map((s) => s.points);
    }
    // roll up the first 100 minutes only: queries then read rollup + raw
    const partial = new Maintenance(m.db, {
      now: () => base + 101 * 60_000,
      rollupSettleSeconds: 60,
    });
    await partial.runOnce();
    const mixed = await queryRange(m.db, {
      name: 'q.cpu',
      matchers: [],
      from,
      to,
      stepSeconds: 300,
      aggregation: 'avg',
    });
    expect(mixed.source).toBe('mixed');
    expect(mixed.series.map((s) => s.points)).toEqual(raw['300/avg/q.cpu']);
    // everything rolled up: 1m for 1-minute steps, 5m for 5- and 20-minute steps, 1h for hourly steps
    await new Maintenance(m.db, {
      now: () => base + DAY_MS,
    }).runOnce();
    for (const [step, aggregation, name] of cases) {
      const res = await queryRange(m.db, { name, matchers: [], from, to, stepSeconds: step, aggregation });
      const tier = step === 3600 ? 'rollup_1h' : step === 60 ? 'rollup_1m' : 'rollup_5m';
      expect(res.source, `${step}/${aggregation}/${name}`).toBe(tier);
      expect(
        res.series.map((s) => s.points),
        `${step}/${aggregation}/${name}`,
      ).toEqual(raw[`${step}/${aggregation}/${name}`]);
    }
  });

  it('aggregates across series per step, by labels, with the per-series values of every aggregation', async () => {
    const ops = {
      sum: (vs: number[]) => vs.reduce((a, b) => a + b, 0),
      avg: (vs: number[]) => vs.reduce((a, b) => a + b, 0) / vs.length,
      min: (vs: number[]) => Math.min(...vs),
      max: (vs: number[]) => Math.max(...vs),
      count: (vs: number[]) => vs.length,
    };
    for (const [name, step] of [
      ['q.cpu', 300],
      ['q.cpu', 45],
      ['q.requests', 300],
    ] as const) {
      for (const aggregation of AGGREGATIONS) {
        const per = await queryRange(m.db, { name, matchers: [], from, to, stepSeconds: step, aggregation });
        for (const by of [[], ['env']]) {
          const groupOf = (labels: Record<string, string>) =>
            JSON.stringify(by.length && labels.env !== undefined ? { env: labels.env } : {});
          for (const op of ['sum', 'avg', 'min', 'max', 'count'] as const) {
            const res = await queryRange(m.db, {
              name,
              matchers: [],
              from,
              to,
              stepSeconds: step,
              aggregation,
              aggregate: { op, by },
            });
            const what = `${name}/${step}/${aggregation}/${op} by ${by.join(',')}`;
            expect(res.series, what).toEqual([]);
            expect(res.aggregate).toEqual({ op, by });
            const expected = new Map<string, Map<number, number[]>>();
            for (const s of per.series) {
              const g = expected.get(groupOf(s.labels)) ?? new Map<number, number[]>();
              expected.set(groupOf(s.labels), g);
              for (const [t, v] of s.points) g.set(t, [...(g.get(t) ?? []), v]);
            }
            expect(res.groups!.map((g) => JSON.stringify(g.labels)).sort(), what).toEqual([...expected.keys()].sort());
            for (const group of res.groups!) {
              const want = [...expected.get(JSON.stringify(group.labels))!].sort((a, b) => a[0] - b[0]);
              expect(
                group.points.map(([t]) => t),
                what,
              ).toEqual(want.map(([t]) => t));
              group.points.forEach(([, v], i) => expect(v, what).toBeCloseTo(ops[op](want[i]![1]), 6));
              expect(group.series).toBe(
                per.series.filter((s) => groupOf(s.labels) === JSON.stringify(group.labels)).length,
              );
            }
          }
        }
      }
    }
  });

  it('refuses a malformed cross-series aggregation, naming the field', async () => {
    const base = { name: 'q.cpu', matchers: [], from, to, stepSeconds: 300 };
    const bad: Array<[Partial<RangeQuery>, string]> = [
      [{ aggregate: { op: 'median' as 'sum' } }, 'aggregate'],
      [{ aggregate: { op: 'sum', by: ['env', 'env'] } }, 'by'],
      [{ aggregate: { op: 'sum', by: [''] } }, 'by'],
      [{ aggregate: { op: 'sum' }, stepSeconds: undefined }, 'stepSeconds'],
    ];
    for (const [q, field] of bad) {
      const err = await queryRange(m.db, { ...base, ...q }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvalidQueryError);
      expect((err as InvalidQueryError).field).toBe(field);
    }
    const err = await queryRange(m.db, { ...base, maxSeries: 2, aggregate: { op: 'avg' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryLimitError);
    expect((err as QueryLimitError).limit).toBe('max_series');
  });

  it('folds a late point into the 1m and 1h rollups it belongs to', async () => {
    const at = (ms: number) => new Maintenance(m.db, { now: () => ms });
    await at(base + DAY_MS + 5 * 60_000).runOnce();
    const writer = new BatchWriter(m.db);
    writer.start();
    const late = base + DAY_MS - 90_000; // 23:58:30, already rolled up
    await writer.write({
      samples: [{ seriesId: cpu[0]!, timeUs: late * 1000, value: 1000 }],
      histograms: [],
      expHistograms: [],
    });
    await writer.shutdown();
    await at(base + DAY_MS + 6 * 60_000).runOnce();
    const window = {
      name: 'q.cpu',
      matchers: [{ name: 'host.name', op: '=' as const, value: 'a' }],
      from: new Date(base + 23 * 3_600_000),
      to: new Date(base + DAY_MS - 1),
    };
    const hour = await queryRange(m.db, { ...window, stepSeconds: 3600, aggregation: 'max' });
    expect(hour.source).toBe('rollup_1h');
    expect(hour.series[0]!.points).toEqual([[base + 23 * 3_600_000, 1000]]);
    const minute = await queryRange(m.db, { ...window, stepSeconds: 60, aggregation: 'count' });
    // TimescaleDB: Maintenance refreshed the late point's minute, which moved the aggregate's watermark to its end;
    // the last minute of the hour, after it, is read raw
    expect(minute.source).toBe(backend === 'timescaledb' ? 'mixed' : 'rollup_1m');
    expect(minute.series[0]!.points).toEqual([[late - 30_000, 1]]);
  });

  it('lists metrics, label names and label values', async () => {
    const metricsList = await listMetrics(m.db);
    expect(metricsList.find((x) => x.name === 'q.cpu')).toMatchObject({
      kind: 'gauge',
      series: 3,
      temporality: 'unspecified',
      monotonic: false,
    });
    expect(await labelNames(m.db, { name: 'q.cpu' })).toEqual(['__name__', 'env', 'host.name']);
    expect(await labelValues(m.db, 'env')).toEqual(['dev', 'prod']);
    expect(
      await labelValues(m.db, 'host.name', { matchers: [{ name: 'env', op: '!=', value: 'dev' }], name: 'q.cpu' }),
    ).toEqual(['a', 'c']);
    expect(await labelValues(m.db, '__name__', { matchers: [{ name: 'host.name', op: '=', value: 'b' }] })).toEqual([
      'q.cpu',
    ]);
    expect(await findSeries(m.db, { name: 'q.cpu', matchers: [], limit: 1, offset: 1 })).toHaveLength(1);
  });
});

/**
 * The anomaly job's saved detectors (anomaly_detector_state): passes in fresh processes (no in-process cache)
 * restore each series' detector and feed it only the new points, scoring exactly what one never-interrupted
 * detector scores; a missing state, a state of an older version, a state that cannot be read, or a changed monitor
 * fall back to replaying history; the state is always saved at its checkpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTOR_STATE_VERSION, getDetector, type PointResult } from '@hydra/analytics';
import { BatchWriter, Database, migrate, query, readScores, SeriesRegistry, type SamplePoint } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { parseMonitorSpec } from '@hydra/schema';
import { AlertService } from '../src/alerts/index.ts';
import { DetectorCache } from '../src/jobs/detector-cache.ts';
import { runAnomalyJob } from '../src/jobs/anomaly.ts';
import { detectorOptions, type MonitorRef } from '../src/jobs/monitor.ts';

const MINUTE = 60_000;
const START = Date.UTC(2026, 10, 16, 0, 0, 0);
const MINUTES = 240;
const HOSTS = ['a', 'b'];

/** Deterministic noise in [-1, 1]; host b has an incident at minutes 200–209. */
const noise = (i: number, h: number) => Math.sin(i * 12.9898 + h * 78.233) * 0.5 + Math.sin(i * 4.1414 + h) * 0.5;
const value = (i: number, h: number) =>
  100 + 10 * Math.sin(i / 20) + 3 * noise(i, h) + (h === 1 && i >= 200 && i < 210 ? 60 : 0);

const monitor = (sensitivity: number): MonitorRef => ({
  key: 'default/latency',
  name: 'latency',
  namespace: 'default',
  spec: parseMonitorSpec({
    selector: { metric: 'app.latency' },
    anomaly: { detector: 'ensemble', sensitivity, warmup: '30m', lookback: '1d' },
    alerting: { for: '2m', severity: 'warning' },
  }),
});

/** When the bucket of `minute` is scored (settled 20 s after its end). */
const at = (minute: number) => START + (minute + 1) * MINUTE + 30_000;

describe.each(testBackends())('anomaly job detector states on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let now = START;
  let alerts: AlertService;
  let ids: number[] = [];
  const medium = monitor(0.5);

  /** What one detector fed every point once scores (the reference for every resumed pass). */
  function reference(m: MonitorRef, h: number): PointResult[] {
    const online = getDetector('ensemble').create({ ...detectorOptions(m.spec, MINUTE), domain: { min: 0 } });
    return Array.from({ length: MINUTES }, (_, i) => online.push(START + i * MINUTE, value(i, h)));
  }

  async function scoresOf(h: number, upToMinute: number) {
    const rows = await readScores(db, {
      seriesId: ids[h]!,
      monitor: medium.key,
      fromMs: START,
      toMs: START + upToMinute * MINUTE,
      limit: 10_000,
    });
    return rows.map((r) => ({ score: r.score, expected: r.expected, lower: r.lower, upper: r.upper }));
  }

  const expectedRows = (m: MonitorRef, h: number, upToMinute: number) =>
    reference(m, h)
      .slice(0, upToMinute + 1)
      .map((p) => ({
        score: Number.isFinite(p.score) ? p.score : null,
        expected: Number.isFinite(p.expected) ? p.expected : null,
        lower: Number.isFinite(p.lower) ? p.lower : null,
        upper: Number.isFinite(p.upper) ? p.upper : null,
      }));

  async function states() {
    return query<{ id: string; version: number; state_at: number; checkpoint_at: number }>(
      db,
      'test: states',
      `SELECT s.series_id AS id, s.version, (extract(epoch FROM s.last_time) * 1000)::float8 AS state_at,
              (extract(epoch FROM c.last_time) * 1000)::float8 AS checkpoint_at
       FROM anomaly_detector_state s JOIN anomaly_checkpoint c USING (monitor, series_id) ORDER BY 1`,
    );
  }

  beforeAll(async () => {
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    alerts = new AlertService({ db, clock: () => now });
    const registry = new SeriesRegistry(db);
    const writer = new BatchWriter(db);
    writer.start();
    const resolved = await registry.resolve(
      HOSTS.map((host) => ({
        metric: { name: 'app.latency', kind: 'gauge', unit: 'ms', temporality: 'unspecified', monotonic: false },
        labels: { 'host.name': host },
      })),
    );
    ids = resolved.map((id) => {
      if (typeof id !== 'number') throw new Error(`series rejected: ${JSON.stringify(id)}`);
      return id;
    });
    const samples: SamplePoint[] = [];
    for (let i = 0; i < MINUTES; i++)
      HOSTS.forEach((_, h) =>
        samples.push({ seriesId: ids[h]!, timeUs: (START + i * MINUTE) * 1000, value: value(i, h) }),
      );
    await writer.write({ samples, histograms: [], expHistograms: [] });
    await writer.shutdown();
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  it('passes that restore saved detectors score exactly what one never-interrupted detector scores', async () => {
    now = at(150);
    const first = await runAnomalyJob({ db, alerts, monitor: medium, now });
    expect(first).toMatchObject({ scored: 2, resumed: 0, points: 2 * 151 });
    // every state is saved at its checkpoint, in this build's version
    expect(await states()).toEqual(
      ids.map((id) => ({
        id: String(id),
        version: DETECTOR_STATE_VERSION,
        state_at: START + 150 * MINUTE,
        checkpoint_at: START + 150 * MINUTE,
      })),
    );
    // one new minute per pass, then a few at once, each pass in a "new process" (no cache)
    for (const minute of [151, 152, 153, 160, 175, 199, 200, 201, 205, 215]) {
      now = at(minute);
      const report = await runAnomalyJob({ db, alerts, monitor: medium, now });
      expect(report.resumed, `pass at minute ${minute}`).toBe(2);
      expect(
        (await states()).every((s) => s.state_at === START + minute * MINUTE && s.checkpoint_at === s.state_at),
      ).toBe(true);
    }
    for (const h of [0, 1]) expect(await scoresOf(h, 215)).toEqual(expectedRows(medium, h, 215));
    // and the incident on b was scored as an anomaly by the resumed detectors
    expect((await scoresOf(1, 215)).slice(200, 210).some((r) => r.score! > 0.5)).toBe(true);
  });

  it('replays history when a state is missing, of an older version, or unreadable, and saves a new one', async () => {
    await query(db, 'test: drop a state', `DELETE FROM anomaly_detector_state WHERE series_id = $1`, [String(ids[0])]);
    await query(
      db,
      'test: age a state',
      `UPDATE anomaly_detector_state SET version = version - 1 WHERE series_id = $1`,
      [String(ids[1])],
    );
    now = at(216);
    expect(await runAnomalyJob({ db, alerts, monitor: medium, now })).toMatchObject({ scored: 2, resumed: 0 });
    expect((await states()).map((s) => s.version)).toEqual([DETECTOR_STATE_VERSION, DETECTOR_STATE_VERSION]);

    // the right version but bytes this build cannot read (cut short)
    await query(
      db,
      'test: corrupt a state',
      `UPDATE anomaly_detector_state SET state = substring(state from 1 for 40) WHERE series_id = $1`,
      [String(ids[0])],
    );
    now = at(217);
    expect(await runAnomalyJob({ db, alerts, monitor: medium, now })).toMatchObject({ scored: 2, resumed: 1 });
    now = at(218);
    expect(await runAnomalyJob({ db, alerts, monitor: medium, now })).toMatchObject({ scored: 2, resumed: 2 });
    // the replays saw the whole history (within the lookback), so they scored what the reference does
    for (const h of [0, 1]) expect(await scoresOf(h, 218)).toEqual(expectedRows(medium, h, 218));
  });

  it('the in-process cache is a layer over the states: it saves restoring, and saves them every stateSaveIntervalMs', async () => {
    const cache = new DetectorCache();
    now = at(219);
    expect(await runAnomalyJob({ db, alerts, monitor: medium, now, cache })).toMatchObject({ resumed: 2 });
    expect(cache.size).toBe(2);
    now = at(220);
    expect(await runAnomalyJob({ db, alerts, monitor: medium, now, cache })).toMatchObject({ resumed: 2 });
    // saved less often than the checkpoint advances: still the states of 218, behind the checkpoint
    expect(
      (await states()).every((s) => s.state_at === START + 218 * MINUTE && s.checkpoint_at === START + 220 * MINUTE),
    ).toBe(true);
    // a process without the cache restores them and replays 219 and 220 into them before scoring 221 ...
    now = at(221);
    expect(await runAnomalyJob({ db, alerts, monitor: medium, now })).toMatchObject({ resumed: 2 });
    for (const h of [0, 1])
      expect((await scoresOf(h, 221)).slice(219)).toEqual(expectedRows(medium, h, 221).slice(219));
    // ... and, without a cache, saves them at its checkpoint
    expect((await states()).every((s) => s.state_at === START + 221 * MINUTE)).toBe(true);
    // with the cache, a save is due once stateSaveIntervalMs of data passed since the last one
    now = at(222);
    await runAnomalyJob({ db, alerts, monitor: medium, now, cache });
    expect((await states()).every((s) => s.state_at === START + 221 * MINUTE)).toBe(true);
    now = at(223);
    await runAnomalyJob({ db, alerts, monitor: medium, now, cache, stateSaveIntervalMs: 2 * MINUTE });
    expect((await states()).every((s) => s.state_at === START + 223 * MINUTE)).toBe(true);
  });

  it('stateStore: false replays every series and leaves the saved states alone', async () => {
    now = at(224);
    expect(await runAnomalyJob({ db, alerts, monitor: medium, now, stateStore: false })).toMatchObject({
      scored: 2,
      resumed: 0,
    });
    expect(
      (await states()).every((s) => s.state_at === START + 223 * MINUTE && s.checkpoint_at === START + 224 * MINUTE),
    ).toBe(true);
    // the next pass restores the states of 223 and replays 224 into them
    now = at(225);
    expect(await runAnomalyJob({ db, alerts, monitor: medium, now })).toMatchObject({ scored: 2, resumed: 2 });
    expect((await states()).every((s) => s.state_at === START + 225 * MINUTE)).toBe(true);
    for (const h of [0, 1])
      expect((await scoresOf(h, 225)).slice(223)).toEqual(expectedRows(medium, h, 225).slice(223));
  });
  it('a changed monitor (another sensitivity) does not use states made under the old one', async () => {
    const high = monitor(0.8);
    now = at(226);
    expect(await runAnomalyJob({ db, alerts, monitor: high, now })).toMatchObject({ scored: 2, resumed: 0 });
    now = at(227);
    expect(await runAnomalyJob({ db, alerts, monitor: high, now })).toMatchObject({ scored: 2, resumed: 2 });
    const row = (await scoresOf(0, 227)).at(-1);
    expect(row).toEqual(expectedRows(high, 0, 227).at(-1));
  });
});

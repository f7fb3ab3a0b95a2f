/**
 * Every anomaly and forecast pass upserts its outcome into analysis_job_status (the in-process scheduler and
 * `hydra job` both go through runAnomalyJob / runForecastJob → timedPass): a failure counts and keeps its message,
 * a success resets the count; a pass aborted by shutdown is not recorded; a failure to record is a warning and
 * never turns a successful pass into a failed one (nor changes a failed pass's error).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, migrate, readJobStatuses } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { parseMonitorSpec } from '@hydra/schema';
import { AlertService } from '../src/alerts/index.ts';
import { runAnomalyJob } from '../src/jobs/anomaly.ts';
import { runForecastJob } from '../src/jobs/forecast.ts';
import { timedPass } from '../src/jobs/duration.ts';
import type { MonitorRef } from '../src/jobs/monitor.ts';
import { captureLogger } from '@hydra/logging/testing';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 0);

const monitor = (namespace: string, name: string, spec: unknown): MonitorRef => ({
  key: `${namespace}/${name}`,
  name,
  namespace,
  spec: parseMonitorSpec(spec),
});

// matches no series: a forecast pass succeeds at once; anomaly detection is off: an anomaly pass fails at once
const idle = monitor('ops', 'idle', {
  selector: { metric: 'no.such.metric' },
  anomaly: { enabled: false },
  forecast: { enabled: true, horizon: '1h', lookback: '1d' },
});

describe.each(testBackends())('job status recording on %s', (backend) => {
  let test: TestDatabase;
  let db: Database;
  let alerts: AlertService;

  beforeAll(async () => {
    test = await openTestDatabase(backend, { migrated: true });
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    alerts = new AlertService({ db, clock: () => NOW });
  });
  afterAll(async () => {
    await db?.close();
    await test?.close();
  });

  const status = async (key: string, kind: string) =>
    (await readJobStatuses(db)).find((s) => s.monitor === key && s.kind === kind);

  it('records failed and successful passes of the real job runners', async () => {
    const before = Date.now();
    for (let i = 0; i < 3; i++)
      await expect(runAnomalyJob({ db, alerts, monitor: idle, now: NOW })).rejects.toThrow(/anomaly.enabled/);
    const failing = await status('ops/idle', 'anomaly');
    expect(failing).toMatchObject({ consecutiveFailures: 3, lastSuccessAt: null });
    expect(failing!.lastError).toMatch(/spec.anomaly.enabled is false/);
    // updated_at is the wall clock when the pass ended, not the pass's (test) `now`
    expect(failing!.updatedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(failing!.lastDurationSeconds).toBeGreaterThanOrEqual(0);

    const report = await runForecastJob({ db, alerts, monitor: idle, now: NOW });
    expect(report.series).toBe(0);
    const ok = await status('ops/idle', 'forecast');
    expect(ok).toMatchObject({ consecutiveFailures: 0, lastFailureAt: null, lastError: null });
    expect(ok!.lastSuccessAt).toBeGreaterThanOrEqual(before - 1000);
  });

  it('resets the count on success and does not record an aborted pass', async () => {
    const ref = { key: 'ops/direct', name: 'direct', namespace: 'ops' };
    await expect(
      timedPass('anomaly', ref, undefined, () => Promise.reject(new Error('boom')), { db, now: () => NOW }),
    ).rejects.toThrow('boom');
    expect(await timedPass('anomaly', ref, undefined, async () => 42, { db, now: () => NOW + 1000 })).toBe(42);
    expect(await status('ops/direct', 'anomaly')).toMatchObject({
      consecutiveFailures: 0,
      lastSuccessAt: NOW + 1000,
      lastFailureAt: NOW,
      lastError: 'boom',
    });
    const shutdown = new AbortController();
    const aborted = timedPass(
      'anomaly',
      ref,
      shutdown.signal,
      async () => {
        shutdown.abort();
        throw new Error('aborted by shutdown');
      },
      { db, now: () => NOW + 2000 },
    );
    await expect(aborted).rejects.toThrow('aborted by shutdown');
    expect(await status('ops/direct', 'anomaly')).toMatchObject({ consecutiveFailures: 0, updatedAt: NOW + 1000 });
  });

  it('logs a warning when the outcome cannot be recorded, keeping the pass’s own result', async () => {
    const closed = await Database.connect({ url: test.url, poolSize: 1 });
    await closed.close();
    const { logger, messages } = captureLogger();
    const ref = { key: 'ops/unrecorded', name: 'unrecorded', namespace: 'ops' };
    expect(await timedPass('forecast', ref, undefined, async () => 'done', { db: closed, logger })).toBe('done');
    await expect(
      timedPass('forecast', ref, undefined, () => Promise.reject(new Error('pass failed')), { db: closed, logger }),
    ).rejects.toThrow('pass failed');
    const warnings = messages('warn');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/forecast job ops\/unrecorded: cannot record the pass's outcome \(success\)/);
    expect(warnings[1]).toMatch(/\(failure\)/);
    expect(await status('ops/unrecorded', 'forecast')).toBeUndefined();
  });
});

/**
 * MUST SHOW, end to end: the demo's injected incidents become firing alerts
 * within two job periods and resolve when the incident ends, and GET /alerts
 * shows them with their explanation.
 *
 * Same parts as `hydra up`: the demo's signal model and incident schedule
 * (seeded history at 60 s, then "live" points every 5 s, written through the
 * collector's Ingestor), the monitors of the repository's hydra.yaml, the
 * scheduled anomaly jobs of `hydra up` (`anomalyJobs`), the AlertService and
 * the API. Only the clock is ours: each job period is run at once instead of
 * waiting a real minute.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Database, migrate } from '@hydra/storage';
import { openTestDatabase, type TestDatabase } from '@hydra/storage/testing';
import { DEFAULT_RESOLVE_AFTER, DEFAULT_SETTLE_MS, type ScheduledJob } from '@hydra/analysis';
import { buildApp } from '@hydra/api';
import { loadConfig } from '../src/config.ts';
import { DEMO_SEED } from '../src/demo/hosts.ts';
import { demoHistory } from '../src/demo/history.ts';
import { incidentsBetween, type Incident } from '../src/demo/incidents.ts';
import { seedDemoHistory } from '../src/demo/seed-history.ts';
import { createLogger } from '@hydra/logging';
import { alertServiceFor, loadMonitors } from '../src/monitors.ts';
import { anomalyJobs } from '../src/runtime/analysis.ts';
import { createPipeline, type Pipeline } from '../src/runtime/pipeline.ts';

const HYDRA_YAML = fileURLToPath(new URL('../../hydra.yaml', import.meta.url));
const MINUTE = 60_000;
/** The demo exports every 5 s. */
const LIVE_STEP_MS = 5_000;
/** "Live" data starts this long before the incident (after 2 days of seeded history). */
const LIVE_LEAD_MS = 30 * MINUTE;
/** Job periods run after the incident ends. */
const TAIL_MINUTES = 10;

interface AlertView {
  id: number;
  state: string;
  monitor: string;
  summary: string;
  labels: Record<string, string>;
  explanation: Record<string, unknown>;
  startsAt: string;
  firedAt: string | null;
  resolvedAt: string | null;
}

describe('hydra up: demo incidents become alerts', () => {
  let test: TestDatabase;
  let db: Database;
  let pipeline: Pipeline;
  let app: FastifyInstance;
  let now = 0;
  let incident: Incident;
  let jobs: ScheduledJob[];

  beforeAll(async () => {
    // A spike a few days back (inside the retention), so its history exists.
    const spikes = incidentsBetween(DEMO_SEED, Date.now() - 10 * 86_400_000, Date.now() - 86_400_000).filter(
      (i) => i.kind === 'spike',
    );
    incident = spikes[0]!;
    test = await openTestDatabase('pglite');
    db = await Database.connect({ url: test.url, poolSize: 3 });
    await migrate(db);
    pipeline = createPipeline(db, loadConfig({}));
    const liveFrom = incident.startMs - LIVE_LEAD_MS;
    await seedDemoHistory(pipeline.ingestor, { days: 2, toMs: liveFrom - 60_000 });
    for (const chunk of demoHistory({
      seed: DEMO_SEED,
      fromMs: liveFrom,
      toMs: incident.endMs + (TAIL_MINUTES + 1) * MINUTE,
      stepMs: LIVE_STEP_MS,
      chunkSteps: 720,
    })) {
      const r = await pipeline.ingestor.ingest(chunk);
      if (r.rejectedPoints > 0) throw new Error(`live points rejected: ${r.errors.join('; ')}`);
    }
    const monitors = await loadMonitors(HYDRA_YAML);
    const alerts = alertServiceFor(db, monitors, () => now);
    jobs = anomalyJobs(db, alerts, monitors, createLogger({ component: 'test', level: 'error' }));
    app = await buildApp({ db, auth: { mode: 'off' }, alerts });
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await pipeline?.shutdown(5_000);
    await db?.close();
    await test?.close();
  });

  /** Runs every monitor's job as the scheduler would at minute `minuteMs` (after its settle delay). */
  async function period(minuteMs: number): Promise<void> {
    now = minuteMs + DEFAULT_SETTLE_MS;
    const signal = new AbortController().signal;
    for (const job of jobs) await job.run(signal);
  }

  async function cpuAlerts(history: boolean): Promise<AlertView[]> {
    const res = await app.inject({
      method: 'GET',
      url: `/alerts?monitor=default/demo-cpu&host=${incident.host}${history ? '&history=true' : ''}`,
    });
    expect(res.statusCode).toBe(200);
    return (res.json() as { alerts: AlertView[] }).alerts.filter(
      (a) => Date.parse(a.startsAt) >= incident.startMs - 5 * MINUTE,
    );
  }

  it('fires within two job periods of the incident start, with the explanation, and resolves after it ends', async () => {
    expect(jobs.map((j) => `${j.name} ${j.schedule}`)).toEqual([
      'anomaly default/demo-cpu * * * * *',
      'anomaly default/demo-memory * * * * *',
      'anomaly default/demo-errors * * * * *',
      'anomaly default/demo-latency * * * * *',
    ]);
    // warm up: the periods before the incident (the first one scores the seeded history)
    for (let t = incident.startMs - 5 * MINUTE; t <= incident.startMs; t += MINUTE) await period(t);
    expect(await cpuAlerts(false)).toEqual([]);

    let firingAfter: number | null = null;
    for (let k = 1; k <= 2 && firingAfter === null; k++) {
      await period(incident.startMs + k * MINUTE);
      if ((await cpuAlerts(false)).some((a) => a.state === 'firing')) firingAfter = k;
    }
    expect(firingAfter, `no firing alert within two job periods of ${incident.id}`).not.toBeNull();

    const [firing] = await cpuAlerts(false);
    expect(firing).toMatchObject({
      state: 'firing',
      monitor: 'default/demo-cpu',
      labels: { 'host.name': incident.host, __name__: 'system.cpu.utilization', alertname: 'HydraAnomaly' },
      explanation: { metric: 'system.cpu.utilization', detector: 'ensemble', direction: 'above' },
    });
    expect(Date.parse(firing!.startsAt)).toBe(incident.startMs);
    const e = firing!.explanation as { observed: number; expected: number; upper: number; score: number };
    expect(e.observed).toBeGreaterThan(e.upper);
    expect(e.observed).toBeGreaterThan(0.85);
    expect(e.score).toBeGreaterThan(0.5);
    expect(firing!.summary).toContain(incident.host);

    // through the incident and after it
    let resolvedAt: number | null = null;
    for (let t = incident.startMs + 3 * MINUTE; t <= incident.endMs + TAIL_MINUTES * MINUTE; t += MINUTE) {
      await period(t);
      const active = await cpuAlerts(false);
      if (t < incident.endMs) expect(active.map((a) => a.state)).toEqual(['firing']);
      if (resolvedAt === null && active.length === 0) resolvedAt = t;
    }
    expect(resolvedAt, 'the alert did not resolve after the incident').not.toBeNull();
    // The incident ends inside a minute; after that minute's bucket the default detector's anomaly
    // likelihood (a mean of the last few surprises) needs a few points to fall under the clear threshold,
    // then DEFAULT_RESOLVE_AFTER clear points (hysteresis), each scored one period later.
    const endBucket = Math.ceil(incident.endMs / MINUTE) * MINUTE;
    expect(resolvedAt!).toBeLessThanOrEqual(endBucket + (DEFAULT_RESOLVE_AFTER + 4) * MINUTE);

    const history = await cpuAlerts(true);
    expect(history).toHaveLength(1);
    expect(history[0]!.state).toBe('resolved');
    expect(Date.parse(history[0]!.resolvedAt!)).toBeGreaterThanOrEqual(incident.endMs);
    const detail = await app.inject({ method: 'GET', url: `/alerts/${history[0]!.id}` });
    expect(detail.json().history.map((h: { event: string }) => h.event)).toEqual(['pending', 'firing', 'resolved']);
  });
});

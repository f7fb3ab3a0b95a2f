/**
 * MUST SHOW (issue 12): over hours of the demo that `npm start` runs, each injected incident gives one alert episode
 * per monitor it moves, and nothing alarms outside an incident.
 *
 * The real pipeline, time-compressed, on the embedded PGlite `npm start` uses: three days of demo history seeded
 * through the collector's Ingestor as `hydra up` seeds it (DEFAULT_SEED_DAYS at 60 s), then the demo's live points
 * every 5 s (the signal model the live workload exports), written as the clock reaches them, and after each minute
 * one pass of every anomaly monitor of the repository's hydra.yaml as `hydra up` schedules them (`anomalyJobs`: the
 * default `ensemble` detector kept in memory between passes, the AlertService with each monitor's `for`), each
 * pass reading its points from storage. Only the clock is injected: a period runs at once instead of after a real
 * minute. 8 hours of demo take 2–4 minutes of a busy 2-core machine, hence the integration tier.
 *
 * The window is fixed (the incident schedule is a pure function of seed and time), quiet for the first hour and
 * the last half hour, and holds the three kinds on four hosts: a spike on web-4 (05:28–05:39 UTC), a level shift on
 * web-1 (07:27–08:22), a memory leak on web-3 (09:03–10:49) and a spike on web-2 (11:15–11:23).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, listAlerts, migrate, type AlertRecord } from '@hydra/storage';
import { openTestDatabase, type TestDatabase } from '@hydra/storage/testing';
import { DEFAULT_SETTLE_MS, type ScheduledJob } from '@hydra/analysis';
import { MAX_RETENTION_DAYS } from '@hydra/schema';
import { createLogger } from '@hydra/logging';
import { DEFAULT_SEED_DAYS, loadConfig } from '../src/config.ts';
import { DEMO_SEED } from '../src/demo/hosts.ts';
import { demoHistory } from '../src/demo/history.ts';
import { incidentsBetween, type Incident, type IncidentKind } from '../src/demo/incidents.ts';
import { seedDemoHistory } from '../src/demo/seed-history.ts';
import { EXPORT_INTERVAL_MS } from '../src/demo/workload.ts';
import { alertServiceFor, loadMonitors } from '../src/monitors.ts';
import { anomalyJobs } from '../src/runtime/analysis.ts';
import { createPipeline, type Pipeline } from '../src/runtime/pipeline.ts';

const HYDRA_YAML = fileURLToPath(new URL('../../hydra.yaml', import.meta.url));
const MINUTE = 60_000;
/** Start of the live part: the seeded history ends here. */
const FROM = Date.UTC(2026, 10, 1, 4, 0);
/** End of the live part (8 h). */
const TO = Date.UTC(2026, 10, 1, 12, 0);
/**
 * An episode belongs to an incident on its host when it starts between the incident's start and this long after
 * its end: the job scores a minute after it has ended and settled (20 s), and the default detector's anomaly
 * likelihood (a mean of the last ten points' surprises) still remembers the incident for a few points. Any other
 * episode is a false alarm.
 */
const DETECTION_DELAY_MS = 5 * MINUTE;
/** The monitor that must alert on each kind of incident (the signal the kind moves most). */
const PRIMARY_MONITOR: Record<IncidentKind, string> = {
  spike: 'default/demo-cpu',
  level_shift: 'default/demo-cpu',
  memory_leak: 'default/demo-memory',
};

function iso(ms: number | null): string {
  return ms === null ? '-' : new Date(ms).toISOString().slice(11, 16);
}

function describeEpisode(a: AlertRecord): string {
  const e = a.explanation as { observed?: number; expected?: number; score?: number; peakScore?: number };
  return (
    `${a.monitor} ${a.labels['host.name']} ${a.state} ${iso(a.startedAt)}→${iso(a.resolvedAt)} ` +
    `(observed ${e.observed?.toPrecision(4)}, expected ${e.expected?.toPrecision(4)}, score ${e.score?.toFixed(3)}` +
    `${e.peakScore === undefined ? '' : `, peak ${e.peakScore.toFixed(3)}`})`
  );
}

describe('npm start: the demo alerts once per incident and never outside one', () => {
  let test: TestDatabase;
  let db: Database;
  let pipeline: Pipeline;
  let jobs: ScheduledJob[];
  let now = 0;
  const incidents = incidentsBetween(DEMO_SEED, FROM, TO);

  beforeAll(async () => {
    const env = { HYDRA_RETENTION_DAYS: String(MAX_RETENTION_DAYS) };
    test = await openTestDatabase('pglite');
    // the window is fixed in the past: a retention long enough to keep it
    db = await Database.connect({ url: test.url, poolSize: 3, retentionDays: MAX_RETENTION_DAYS });
    await migrate(db);
    pipeline = createPipeline(db, loadConfig(env));
    await seedDemoHistory(pipeline.ingestor, { days: DEFAULT_SEED_DAYS, toMs: FROM });
    const monitors = await loadMonitors(HYDRA_YAML);
    const alerts = alertServiceFor(db, monitors, () => now);
    jobs = anomalyJobs(db, alerts, monitors, createLogger({ component: 'test', level: 'error' }));
  }, 180_000);
  afterAll(async () => {
    await pipeline?.shutdown(5_000);
    await db?.close();
    await test?.close();
  });

  it('covers a spike, a level shift and a memory leak', () => {
    expect(new Set(incidents.map((i) => i.kind))).toEqual(new Set(['spike', 'level_shift', 'memory_leak']));
    // every incident starts in the window, so its start is seen live
    for (const i of incidents) expect(i.startMs).toBeGreaterThan(FROM);
  });

  it('gives each incident one episode per monitor and none outside an incident', async () => {
    // The live workload's points (every 5 s), written as the clock reaches them; then one pass of every
    // monitor per minute, as the scheduler runs them (after the settle delay).
    const live = demoHistory({ seed: DEMO_SEED, fromMs: FROM, toMs: TO, stepMs: EXPORT_INTERVAL_MS, chunkSteps: 12 });
    const signal = new AbortController().signal;
    for (let minute = FROM + MINUTE; minute <= TO; minute += MINUTE) {
      const chunk = live.next();
      if (!chunk.done) {
        const r = await pipeline.ingestor.ingest(chunk.value);
        if (r.rejectedPoints > 0) throw new Error(`live points rejected: ${r.errors.join('; ')}`);
      }
      now = minute + DEFAULT_SETTLE_MS;
      for (const job of jobs) await job.run(signal);
    }

    const { alerts: all } = await listAlerts(db, {
      states: ['pending', 'firing', 'resolved'],
      limit: 1_000,
      offset: 0,
    });
    // an episode is an alert that fired (a pending one that cleared before its `for` notified no one)
    const episodes = all.filter((a) => a.firedAt !== null).sort((a, b) => a.startedAt - b.startedAt);
    const report = [
      'incidents:',
      ...incidents.map((i) => `  ${i.kind} ${i.host} ${iso(i.startMs)}→${iso(i.endMs)}`),
      'episodes:',
      ...episodes.map((a) => `  ${describeEpisode(a)}`),
    ].join('\n');

    const incidentOf = (a: AlertRecord): Incident | undefined =>
      incidents.find(
        (i) =>
          i.host === a.labels['host.name'] && a.startedAt >= i.startMs && a.startedAt <= i.endMs + DETECTION_DELAY_MS,
      );
    const outside = episodes.filter((a) => incidentOf(a) === undefined);
    expect(outside.map(describeEpisode), `episodes outside any incident\n${report}`).toEqual([]);

    // every incident ended well before the window does: every episode has resolved
    expect(episodes.filter((a) => a.state !== 'resolved').map(describeEpisode), report).toEqual([]);
    console.info(report);

    for (const incident of incidents) {
      const mine = episodes.filter((a) => incidentOf(a) === incident);
      const byMonitor = new Map<string, number>();
      for (const a of mine) byMonitor.set(a.monitor, (byMonitor.get(a.monitor) ?? 0) + 1);
      expect(byMonitor.get(PRIMARY_MONITOR[incident.kind]), `${incident.id}: episodes\n${report}`).toBe(1);
      for (const [monitor, n] of byMonitor) expect(n, `${incident.id}: ${monitor} episodes\n${report}`).toBe(1);
    }
  }, 600_000);
});

/**
 * A real Prometheus (Debian's 2.42) scrapes a real `hydra up` (the demo workload
 * with a day of seeded history): once the demo's anomaly jobs and demo-disk's
 * first forecast pass have run, Prometheus answers hydra_anomaly_score and
 * hydra_forecast_value with the contract's labels; the raw exposition passes
 * `promtool check metrics` (parse and lint) with exit code 0.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_READY_TIMEOUT_MS,
  PROMTOOL_BINARY,
  SCRAPE_JOB,
  startHydraWithPrometheus,
  type HydraWithPrometheus,
} from './prometheus-fixture.ts';

const DEMO_HOSTS = ['web-1', 'web-2', 'web-3', 'web-4'];

/** Pipes `input` to `promtool check metrics`; resolves with its exit code and output. */
function promtoolCheckMetrics(input: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(PROMTOOL_BINARY, ['check', 'metrics'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', (err) => reject(new Error(`cannot run ${PROMTOOL_BINARY}: ${err.message}`)));
    child.once('exit', (code) => resolve({ code, output }));
    child.stdin.end(input);
  });
}

describe('a real Prometheus scraping hydra up', () => {
  let h: HydraWithPrometheus | undefined;
  beforeAll(async () => {
    const started = Date.now();
    h = await startHydraWithPrometheus();
    console.log(
      `analysis series in Prometheus ${((Date.now() - started) / 1000).toFixed(1)} s after spawn (${h.backend})`,
    );
  }, DEFAULT_READY_TIMEOUT_MS + 30_000);
  afterAll(async () => {
    await h?.stop();
  }, 60_000);

  it('answers hydra_anomaly_score with the monitor and source series labels', async () => {
    const scores = await h!.query('hydra_anomaly_score{monitor="demo-cpu"}');
    expect(scores.map((s) => s.metric.host_name).sort(), h!.logs()).toEqual(DEMO_HOSTS);
    for (const s of scores) {
      expect(s.metric).toMatchObject({
        __name__: 'hydra_anomaly_score',
        job: SCRAPE_JOB,
        monitor: 'demo-cpu',
        monitor_namespace: 'default',
        metric: 'system.cpu.utilization',
        service_name: 'demo-shop',
      });
      const value = Number(s.value[1]);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    // the band around the same series
    const bands = await h!.query('hydra_anomaly_upper{monitor="demo-cpu"} >= hydra_anomaly_lower{monitor="demo-cpu"}');
    expect(bands).toHaveLength(4);
    const lastRuns = await h!.query('hydra_analysis_last_run_timestamp_seconds{kind="anomaly",monitor="demo-cpu"}');
    expect(Math.abs(Number(lastRuns[0]?.value[1]) - Date.now() / 1000)).toBeLessThan(300);
  });

  it('answers hydra_forecast_value per horizon for the demo disks', async () => {
    const values = await h!.query('hydra_forecast_value{monitor="demo-disk"}');
    expect(new Set(values.map((s) => s.metric.host_name))).toEqual(new Set(DEMO_HOSTS));
    // demo-disk forecasts 12 h: the 24 h horizon is past the end of its forecasts
    expect(new Set(values.map((s) => s.metric.horizon))).toEqual(new Set(['1h', '6h']));
    for (const s of values) {
      expect(s.metric).toMatchObject({
        job: SCRAPE_JOB,
        monitor_namespace: 'default',
        metric: 'system.filesystem.utilization',
      });
      expect(Number.isFinite(Number(s.value[1]))).toBe(true);
    }
    const banded = await h!.query(
      'hydra_forecast_upper{monitor="demo-disk"} >= on(host_name, horizon) hydra_forecast_lower{monitor="demo-disk"}',
    );
    expect(banded).toHaveLength(values.length);
    const exported = await h!.query('hydra_export_series{family="hydra_forecast_value"}');
    expect(Number(exported[0]?.value[1])).toBe(values.length);
  });

  it('serves an exposition that promtool check metrics accepts', async () => {
    const body = await (await fetch(h!.metricsUrl)).text();
    expect(body).toContain('hydra_anomaly_score{');
    expect(body).toContain('hydra_jobs_duration_seconds_bucket{');
    // no exporter scope label on hydra's own series (the source's otel.scope.name stays `otel_scope_name`)
    expect(body).not.toContain('otel_scope_name="hydra"');
    expect(body).toContain('hydra_export_leader 1');
    const { code, output } = await promtoolCheckMetrics(body);
    expect(output).toBe('');
    expect(code).toBe(0);
  });
});

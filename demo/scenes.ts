/**
 * The scenes of the demo video, each recorded from the running system: Chromium on the dashboard of a real
 * `hydra up`, real commands in a shell (the `hydra` CLI, curl on the API and on the Prometheus exposition, kubectl
 * on the test control plane with the real operator), the real OpenTelemetry SDK exporter sending a new metric.
 * A scene returns its frames; the narration says what they show.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import type { Locator, Page } from 'playwright-core';
import { ANOMALY_EPISODE, DRAWN_LINE, DRAWN_SPARKLINE, FORECAST_LINE } from '../dashboard/e2e/browser.ts';
import type { HydraUp } from '../dashboard/e2e/hydra-up.ts';
import { FRAME, type Frame, type Scene } from './assemble.ts';
import { NEW_METRIC, startSaturation, startSender } from './otlp-sender.ts';
import { sh, terminalFrame, type Entry, type Shell } from './terminal.ts';

/** How long a view may take to draw its data. */
const DRAW_TIMEOUT_MS = 30_000;
/** How long the analysis jobs may take to score the seeded history, forecast it and open alerts. */
export const ANALYSIS_TIMEOUT_MS = 360_000;

export interface Recorder {
  up: HydraUp;
  page: Page;
  /** where frames are written */
  dir: string;
  /** the shell the terminal scenes run in: `hydra` on PATH, API and METRICS set */
  shell: Shell;
}

let frameCount = 0;
function framePath(rec: Recorder, name: string): string {
  frameCount += 1;
  return path.join(rec.dir, `${String(frameCount).padStart(3, '0')}-${name}.png`);
}

/**
 * A screenshot of the page as it is now, once the dashboard's "API unavailable" banner is gone: on a loaded machine
 * one /readyz poll can fail, and the banner stays until the next poll (3 s) answers.
 */
async function snap(rec: Recorder, name: string, seconds?: number): Promise<Frame> {
  await rec.page.getByText('API unavailable').waitFor({ state: 'hidden', timeout: DRAW_TIMEOUT_MS });
  const file = framePath(rec, name);
  await rec.page.screenshot({ path: file });
  return seconds === undefined ? { file } : { file, seconds };
}

/** Runs the commands one after the other and draws them as one terminal frame. */
async function terminal(rec: Recorder, name: string, title: string, commands: string[]): Promise<Frame> {
  const entries: Entry[] = [];
  for (const command of commands) entries.push(await sh(rec.shell, command));
  const file = framePath(rec, name);
  await terminalFrame(rec.page, title, entries, file);
  return { file };
}

/** Waits until `locator` matches at least `n` elements. */
async function atLeast(locator: Locator, n: number): Promise<void> {
  const deadline = Date.now() + DRAW_TIMEOUT_MS;
  while ((await locator.count()) < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} of ${locator} after ${DRAW_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function open(rec: Recorder, url: string, ready: string): Promise<void> {
  await rec.page.setViewportSize(FRAME);
  await rec.page.goto(`${rec.up.dashboardUrl}${url}`);
  await rec.page.locator(ready).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
  // let the remaining panels and the charts' animation finish
  await rec.page.waitForLoadState('networkidle').catch(() => undefined);
  await rec.page.waitForTimeout(1500);
}

/** The `hydra up` banner: what the spawned process printed (its JSON log lines left out). */
export async function recordUp(rec: Recorder): Promise<Scene> {
  const banner = rec.up
    .output()
    .split('\n')
    .filter((line) => !line.startsWith('{'))
    .join('\n')
    .trim();
  const file = framePath(rec, 'up');
  await terminalFrame(rec.page, 'hydra up', [{ command: 'hydra up', output: banner }], file);
  return {
    id: 'up',
    narration:
      'This is hydra: a metrics pipeline with anomaly detection and forecasting for Kubernetes. ' +
      'One command, hydra up, starts the collector, API, analysis jobs and dashboard on an embedded PostgreSQL, ' +
      'with four demo hosts sending OpenTelemetry metrics.',
    minSeconds: 10,
    frames: [{ file }],
  };
}

export async function recordFleet(rec: Recorder): Promise<Scene> {
  await open(rec, '/dashboard?from=now-1h&to=now', `table ${DRAWN_SPARKLINE}`);
  await atLeast(rec.page.locator(`table ${DRAWN_SPARKLINE}`), 12);
  const top = await snap(rec, 'fleet');
  await rec.page
    .getByRole('heading', { name: 'Hosts' })
    .or(rec.page.getByText('Hosts', { exact: true }))
    .first()
    .scrollIntoViewIfNeeded();
  await rec.page.mouse.wheel(0, 400);
  await rec.page.waitForTimeout(500);
  const hosts = await snap(rec, 'fleet-hosts');
  return {
    id: 'fleet',
    narration:
      'The fleet view: open alerts, the ingest rate, the most anomalous series and the forecasts about to cross a ' +
      'threshold. Below, every host, worst first, with its health and live sparklines.',
    minSeconds: 12,
    frames: [top, hosts],
  };
}

export async function recordDetails(rec: Recorder, host: string): Promise<Scene> {
  const { page } = rec;
  await open(rec, `/details/${host}?from=now-12h&to=now`, `figure ${DRAWN_LINE}`);
  // the anomaly job's episodes and the forecast job's crossing (the page refreshes every 15 s while live)
  await page.locator(ANOMALY_EPISODE).first().waitFor({ state: 'attached', timeout: ANALYSIS_TIMEOUT_MS });
  const disk = page.locator(`figure[aria-label="system.filesystem.utilization of ${host}"]`);
  await disk.locator(FORECAST_LINE).waitFor({ state: 'attached', timeout: ANALYSIS_TIMEOUT_MS });
  await page.waitForTimeout(1500);
  const episodes = page
    .locator('figure')
    .filter({ has: page.locator(ANOMALY_EPISODE) })
    .first();
  await episodes.scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, -120);
  await page.waitForTimeout(500);
  const bands = await snap(rec, 'details-episodes');
  await disk.scrollIntoViewIfNeeded();
  await page.mouse.wheel(0, 120);
  await page.waitForTimeout(500);
  const forecast = await snap(rec, 'details-forecast');
  return {
    id: 'details',
    narration:
      "A host's details chart every metric with the expected band the anomaly job learned. " +
      'Shaded spans are anomaly episodes, their peaks marked. ' +
      `The dashed purple line is the forecast and its interval, against the ninety percent threshold of ${host}'s ` +
      'disk; the legend says when it is crossed.',
    minSeconds: 14,
    frames: [bands, forecast],
  };
}

interface AlertSummary {
  id: number;
  state: string;
  acknowledged: unknown;
  labels: Record<string, string>;
}

/** How long the alerts scene waits for one of the demo's own incidents before it causes one. */
const ALERT_QUIET_MS = 20_000;
/** The demo host whose CPU the alerts scene saturates when no alert is open. */
const SATURATED_HOST = 'web-1';

async function findOpenAlert(up: HydraUp): Promise<AlertSummary | undefined> {
  const res = await fetch(`${up.apiUrl}/alerts?history=true&limit=100`);
  if (!res.ok) throw new Error(`GET /alerts: ${res.status} ${await res.text()}`);
  const { alerts } = (await res.json()) as { alerts: AlertSummary[] };
  const open = alerts.filter((a) => a.state !== 'resolved' && a.acknowledged === null);
  return open.find((a) => a.labels.alertname === 'HydraAnomaly') ?? open[0];
}

/**
 * An open, unacknowledged alert: one of the demo's incidents, or, when none is open after a short wait, one caused by
 * reporting a host's CPU saturated over OTLP (`saturated` says which).
 */
async function openAlert(up: HydraUp): Promise<{ alert: AlertSummary; saturated?: MeterProvider }> {
  const started = Date.now();
  let saturated: MeterProvider | undefined;
  try {
    for (;;) {
      const alert = await findOpenAlert(up);
      if (alert) return { alert, ...(saturated ? { saturated } : {}) };
      if (Date.now() - started > ANALYSIS_TIMEOUT_MS) {
        throw new Error(`no open alert after ${ANALYSIS_TIMEOUT_MS} ms:\n${up.output().slice(-4000)}`);
      }
      if (!saturated && Date.now() - started > ALERT_QUIET_MS)
        saturated = startSaturation(up.otlpHttpUrl, SATURATED_HOST);
      await new Promise((r) => setTimeout(r, 3000));
    }
  } catch (err) {
    await saturated?.shutdown();
    throw err;
  }
}

export async function recordAlerts(rec: Recorder): Promise<Scene> {
  const { page } = rec;
  const { alert, saturated } = await openAlert(rec.up);
  try {
    await open(rec, `/alerts?state=all&from=now-24h&to=now&id=${alert.id}`, 'table[aria-label="alerts"] tbody tr');
    const detail = page.getByRole('region', { name: `alert ${alert.id}` });
    await detail.locator(DRAWN_LINE).first().waitFor({ timeout: DRAW_TIMEOUT_MS });
    await page.waitForTimeout(1000);
    const table = await snap(rec, 'alerts');
    const explanation = detail.getByRole('region', { name: 'explanation' });
    await explanation.scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    const explained = await snap(rec, 'alerts-explanation');
    await detail.getByLabel('comment').fill('on it: checking the last deploy');
    await detail.getByRole('button', { name: 'Acknowledge' }).click();
    await detail.getByRole('button', { name: 'Acknowledged' }).waitFor({ timeout: DRAW_TIMEOUT_MS });
    await detail.getByRole('button', { name: 'Silence' }).click();
    const created = detail.getByRole('status').filter({ hasText: /silence .* created/ });
    await created.waitFor({ timeout: DRAW_TIMEOUT_MS });
    await created.scrollIntoViewIfNeeded();
    await page.mouse.wheel(0, 200);
    await page.waitForTimeout(500);
    const acted = await snap(rec, 'alerts-acknowledged');
    const cause = saturated ? `To raise one now, a second exporter reports ${SATURATED_HOST}'s CPU saturated. ` : '';
    return {
      id: 'alerts',
      narration:
        'Alerts open when a score stays high or a forecast crosses a threshold. ' +
        cause +
        'Each alert explains itself: observed and expected value, band, score and detector. ' +
        'The operator acknowledges it with a comment, then silences alerts like it for four hours.',
      minSeconds: 14,
      frames: [table, explained, acted],
    };
  } finally {
    await saturated?.shutdown();
  }
}

export async function recordExplorer(rec: Recorder): Promise<Scene> {
  await open(rec, '/explore?metric=system.cpu.utilization&from=now-6h&to=now', `figure ${DRAWN_LINE}`);
  await atLeast(rec.page.locator(`figure ${DRAWN_LINE}`), 4);
  const legend = (figure: string) =>
    rec.page.locator(`figure[aria-label="${figure} explorer chart"]`).getByRole('list', { name: 'legend' });
  await legend('system.cpu.utilization').scrollIntoViewIfNeeded();
  const all = await snap(rec, 'explorer');
  const match = encodeURIComponent('host.name=~"web-[34]"');
  await open(
    rec,
    `/explore?metric=system.memory.usage&match=${match}&aggregation=max&from=now-6h&to=now`,
    `figure ${DRAWN_LINE}`,
  );
  await legend('system.memory.usage').scrollIntoViewIfNeeded();
  const filtered = await snap(rec, 'explorer-filtered');
  return {
    id: 'explorer',
    narration:
      'The explorer charts any metric, filtered by label matchers, with a chosen aggregation and step. ' +
      'The legend names each series by the labels that differ between them.',
    minSeconds: 10,
    frames: [all, filtered],
  };
}

export async function recordOtlp(rec: Recorder): Promise<Scene> {
  const code = await terminal(rec, 'otlp-code', 'the OpenTelemetry SDK, as the demo runs it', [
    `sed -n '/^export function startSender/,/^}/p' "$REPO/demo/otlp-sender.ts"`,
  ]);
  const provider = startSender(rec.up.otlpHttpUrl);
  try {
    const url = `/explore?metric=${NEW_METRIC}&from=now-1m&to=now&step=2`;
    await rec.page.waitForTimeout(6000);
    await open(rec, url, `figure ${DRAWN_LINE}`);
    const first = await snap(rec, 'otlp-first');
    await rec.page.waitForTimeout(20_000);
    await open(rec, url, `figure ${DRAWN_LINE}`);
    const later = await snap(rec, 'otlp-later');
    return {
      id: 'otlp',
      narration:
        'Any OpenTelemetry SDK can send metrics to hydra. ' +
        "Here the JavaScript SDK's own OTLP exporter sends a metric hydra has never seen, payments queue depth. " +
        'Seconds later it is in the explorer, growing as points arrive.',
      minSeconds: 14,
      frames: [code, first, later],
    };
  } finally {
    await provider.shutdown();
  }
}

/** One day of a host's series from the API as a CSV, the way a user exports one. */
function exportCsv(name: string, host: string, file: string): string {
  return (
    `curl -s "$API/metrics?name=${name}&host=${host}&from=now-1d&step=5m" ` +
    `| jq -r '"timestamp,value", (.series[0].points[] | @csv)' > ${file}`
  );
}

export async function recordAnalyze(rec: Recorder, host: string): Promise<Scene> {
  const frame = await terminal(rec, 'analyze', 'hydra analyze', [
    exportCsv('system.memory.usage', host, 'memory.csv'),
    'wc -l memory.csv && head -3 memory.csv',
    'hydra analyze --input memory.csv --output scores.csv',
    `awk -F, 'NR == 1 || $3 > 0.5' scores.csv | head -8 | column -ts,`,
  ]);
  return {
    id: 'analyze',
    narration:
      `The same detectors run offline. One day of ${host}'s memory, exported from the API as CSV, goes through ` +
      'hydra analyze, which scores every point as the live job would, with the expected value and band.',
    minSeconds: 12,
    frames: [frame],
  };
}

export async function recordForecast(rec: Recorder): Promise<Scene> {
  const frame = await terminal(rec, 'forecast', 'hydra forecast', [
    `curl -s "$API/metrics?name=system.filesystem.utilization&from=now-1d&step=10m" ` +
      `| jq -r '"series,timestamp,value", (.series[] | .labels["host.name"] as $h | .points[] | [$h, .[0], .[1]] | @csv)' > disk.csv`,
    'hydra forecast --input disk.csv --horizon 36 --output disk-forecast.csv',
    `awk -F, 'NR == 1 || $2 % 12 == 0' disk-forecast.csv | head -13 | column -ts,`,
  ]);
  return {
    id: 'forecast',
    narration:
      'hydra forecast predicts every series of a CSV file, here six hours ahead, picking a model per series by its ' +
      'error on held out data, with a ninety-five percent interval.',
    minSeconds: 12,
    frames: [frame],
  };
}

export async function recordPrometheus(rec: Recorder): Promise<Scene> {
  const frame = await terminal(rec, 'prometheus', 'Prometheus exposition (:9464/metrics)', [
    `curl -s "$METRICS" | grep '^hydra_anomaly_score{monitor="demo-cpu"'`,
    `curl -s "$METRICS" | grep -E '^hydra_(forecast_time_to_threshold_seconds|alerts_active)\\{' | head -3`,
    `curl -s "$METRICS" | grep -E '^hydra_(collector_requests|storage_writer_rows)_total\\{' | head -3`,
  ]);
  return {
    id: 'prometheus',
    narration:
      'Results flow back to Prometheus: anomaly scores, forecasts, time to threshold and active alerts, labelled ' +
      "like the source series, next to hydra's own health metrics.",
    minSeconds: 12,
    frames: [frame],
  };
}

/** The HydraMonitor the operator scene applies. */
function monitorYaml(namespace: string): string {
  return `apiVersion: hydra.io/v1alpha1
kind: HydraMonitor
metadata:
  name: checkout-latency
  namespace: ${namespace}
spec:
  selector:
    metric: http.server.request.duration_sum
    matchers:
      - { name: service.name, value: checkout }
  anomaly: { detector: ensemble, schedule: '*/5 * * * *' }
  forecast:
    enabled: true
    horizon: 6h
    thresholds: [{ value: 2000, direction: above, severity: warning }]
`;
}

/**
 * The operator against the control plane whose kubeconfig is HYDRA_TEST_KUBECONFIG: the operator integration
 * tests' harness starts it as its own ServiceAccount, in a namespace of its own.
 */
export async function recordOperator(rec: Recorder): Promise<Scene> {
  const harness = await import('../operator/test/k8s/harness.ts');
  const namespace = await harness.createNamespace('shop');
  const operator = await harness.startTestOperator({ namespaces: [namespace] });
  try {
    await writeFile(path.join(rec.shell.cwd, 'monitor.yaml'), monitorYaml(namespace));
    const apply = await sh(rec.shell, 'kubectl apply -f monitor.yaml');
    await harness.waitFor('the collector Deployment and both CronJobs', async () => {
      const jobs = await harness.kubectl(['get', 'cronjobs', '-n', namespace, '-o', 'name']);
      const deploy = await harness.kubectl(['get', 'deployments', '-n', namespace, '-o', 'name']);
      return jobs.stdout.trim().split('\n').length === 2 && deploy.stdout.trim() !== '';
    });
    await harness.waitFor('the monitor status', async () => {
      const m = await harness.getMonitor(namespace, 'checkout-latency');
      return m?.status?.conditions?.some((c) => c.type === 'Ready');
    });
    const title = 'kubectl on the test control plane, the operator running';
    const applied = framePath(rec, 'operator-apply');
    await terminalFrame(rec.page, title, [await sh(rec.shell, 'cat monitor.yaml'), apply], applied);
    const children = [
      await sh(rec.shell, `kubectl get hydramonitors -n ${namespace}`),
      await sh(rec.shell, `kubectl get deployments,services,cronjobs -n ${namespace}`),
      await sh(
        rec.shell,
        `kubectl get deployments,services,cronjobs -n ${namespace} ` +
          `-o custom-columns='KIND:.kind,NAME:.metadata.name,OWNER:.metadata.ownerReferences[0].name'`,
      ),
    ];
    const created = framePath(rec, 'operator-children');
    await terminalFrame(rec.page, title, children, created, { fontPx: 12 });
    return {
      id: 'operator',
      narration:
        'On Kubernetes, the operator turns a HydraMonitor into running parts. ' +
        'Applied to a real API server, this one gets a collector Deployment and Service, and anomaly and forecast ' +
        'CronJobs, all owned by the monitor.',
      minSeconds: 13,
      frames: [{ file: applied }, { file: created }],
    };
  } finally {
    await operator.stop();
    await harness.deleteNamespace(namespace);
  }
}

export async function recordMonitors(rec: Recorder): Promise<Scene> {
  await open(rec, '/monitors', 'table[aria-label="monitors"] tbody tr');
  const frame = await snap(rec, 'monitors');
  return {
    id: 'monitors',
    narration:
      'The monitors page shows every monitor and its last job runs. ' +
      'That is hydra: OpenTelemetry in; anomalies, forecasts and alerts out. Try it with npm ci and npm start.',
    minSeconds: 10,
    frames: [frame],
  };
}

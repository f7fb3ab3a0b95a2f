/**
 * A live `hydra up` scraped by a real Prometheus (Debian's `prometheus`, 2.42),
 * for tests that check what hydra exports through Prometheus's HTTP API:
 * cli/test/prometheus-scrape.integration.test.ts and the Grafana dashboard test.
 *
 * `startHydraWithPrometheus()` spawns `hydra up` (demo workload, one day of
 * seeded history, free ports, a fresh data directory; the real PostgreSQL of
 * HYDRA_TEST_DATABASE_URL when it is set) with the analysis exporter refreshing
 * every second, starts Prometheus in a temp dir scraping hydra's exports port
 * every second, and resolves once Prometheus answers DEFAULT_READY_QUERIES:
 * `hydra_anomaly_score` of the four demo anomaly monitors and
 * `hydra_forecast_value` of demo-disk (the anomaly jobs and demo-disk's first
 * forecast pass have run and the exporter has published them). `stop()` stops both
 * processes and removes what they wrote; call it in afterAll.
 *
 *   const h = await startHydraWithPrometheus();
 *   const series = await h.query('hydra_anomaly_score{monitor="demo-cpu"}');
 *   await h.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@hydra/storage';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { PROMETHEUS_BINARY, PROMTOOL_BINARY } from '../../testing/tools.ts';
import { REPO_ROOT, spawnHydraUp, type HydraProcess } from './helpers.ts';

export { PROMETHEUS_BINARY, PROMTOOL_BINARY };
/** The scrape job's name (Prometheus's `job` label on every hydra series). */
export const SCRAPE_JOB = 'hydra';
/**
 * Start-up, the seed, the first anomaly passes, the first forecast pass, a refresh and a scrape: 42–50 s alone on
 * the 2-core test machine, 80 s beside other test files.
 */
export const DEFAULT_READY_TIMEOUT_MS = 150_000;
/**
 * What startHydraWithPrometheus waits for by default (PromQL; each must return a series): the four demo anomaly
 * monitors have scores, demo-cpu for all four hosts, and demo-disk's forecasts are in.
 */
export const DEFAULT_READY_QUERIES = [
  'count(count by (monitor) (hydra_anomaly_score)) >= 4',
  'count(hydra_anomaly_score{monitor="demo-cpu"}) >= 4',
  'count(hydra_forecast_value{monitor="demo-disk"}) >= 4',
] as const;
const STOP_TIMEOUT_MS = 15_000;
const POLL_MS = 1_000;
const LOG_TAIL_CHARS = 4_000;

/** One series of an instant vector from /api/v1/query. */
export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface HydraWithPrometheus {
  /** e.g. http://127.0.0.1:39123 (the HTTP API: /api/v1/query, /api/v1/series, /api/v1/targets …) */
  prometheusUrl: string;
  /** hydra's exposition, e.g. http://127.0.0.1:39124/metrics */
  metricsUrl: string;
  /** hydra's HTTP API */
  apiUrl: string;
  /** the database backend hydra up runs on */
  backend: 'pglite' | 'postgres';
  /** An instant query through Prometheus's HTTP API; throws on an error answer. */
  query(expr: string): Promise<PromSample[]>;
  /** The last lines hydra up and Prometheus wrote (for assertion messages). */
  logs(): string;
  /** Stops Prometheus and hydra up and deletes their directories (and the test database); idempotent. */
  stop(): Promise<void>;
}

export interface HydraWithPrometheusOptions {
  /** PromQL expressions that must each return a series before the promise resolves (default DEFAULT_READY_QUERIES) */
  waitFor?: readonly string[];
  timeoutMs?: number;
  /** extra environment for hydra up */
  env?: Record<string, string>;
  /**
   * Thresholds added to hydra.yaml's demo-disk monitor (e.g. `{ value: 0.01, direction: above, severity: info }`,
   * one the disks are already past), so hydra_forecast_time_to_threshold_seconds is exported whatever the one
   * seeded day looks like (the real ones are crossed only at some times of day)
   */
  diskThresholds?: readonly string[];
  /** Rule files Prometheus loads and evaluates every second: file name → YAML */
  ruleFiles?: Readonly<Record<string, string>>;
}

/** A real Prometheus started by spawnPrometheus. */
export interface RunningPrometheus {
  /** e.g. http://127.0.0.1:39123 */
  url: string;
  child: ChildProcess;
  /** the last 20 kB Prometheus wrote (for assertion messages) */
  log(): string;
  /** Throws naming the binary when it could not be started, or Prometheus's log when it exited. */
  check(): void;
  /** SIGTERM (SIGKILL after a while), then deletes its directory; idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts Debian's `prometheus` on a free port with `config` (prometheus.yml text; `files` are written next to it,
 * e.g. rule files) and its own temporary data directory. Does not wait for it to listen: poll its HTTP API.
 */
export async function spawnPrometheus(
  config: string,
  files: Readonly<Record<string, string>> = {},
): Promise<RunningPrometheus> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hydra-prometheus-'));
  for (const [name, text] of Object.entries({ 'prometheus.yml': config, ...files }))
    await writeFile(path.join(dir, name), text);
  const port = await freePort();
  const child = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString('utf8')).slice(-20_000);
  });
  let spawnError: Error | undefined;
  child.once('error', (err) => (spawnError = err));
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    log: () => log,
    check() {
      if (spawnError)
        throw new Error(`cannot run ${PROMETHEUS_BINARY}: ${spawnError.message} (apt install prometheus)`);
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}:\n${log}`);
    },
    stop: () =>
      (stopping ??= (async () => {
        await stopChild(child, 'SIGTERM', STOP_TIMEOUT_MS);
        await rm(dir, { recursive: true, force: true });
      })()),
  };
}

/** The demo-disk threshold of hydra.yaml after which diskThresholds are inserted. */
const DISK_THRESHOLD_LINE = '      - { value: 0.9, direction: above, severity: warning }\n';

/** hydra.yaml with `extra` demo-disk thresholds, written into `dir`; returns the file's path. */
async function demoMonitorsWith(extra: readonly string[], dir: string): Promise<string> {
  const monitors = await readFile(path.join(REPO_ROOT, 'hydra.yaml'), 'utf8');
  if (!monitors.includes(DISK_THRESHOLD_LINE))
    throw new Error(`hydra.yaml: the demo-disk threshold line ${JSON.stringify(DISK_THRESHOLD_LINE)} is gone`);
  const file = path.join(dir, 'monitors.yaml');
  const lines = extra.map((t) => `      - ${t}\n`).join('');
  await writeFile(file, monitors.replace(DISK_THRESHOLD_LINE, DISK_THRESHOLD_LINE + lines));
  return file;
}

/** Runs an instant query; throws with Prometheus's error text when it is not a vector answer. */
export async function promQuery(prometheusUrl: string, expr: string): Promise<PromSample[]> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await res.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: PromSample[] };
  };
  if (body.status !== 'success' || body.data?.resultType !== 'vector')
    throw new Error(`query ${expr}: ${res.status} ${body.error ?? JSON.stringify(body).slice(0, 300)}`);
  return body.data.result;
}

/** Sends SIGTERM (then SIGKILL after `ms`) and waits for the exit. */
async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals, ms: number): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

export async function startHydraWithPrometheus(options: HydraWithPrometheusOptions = {}): Promise<HydraWithPrometheus> {
  const backend = testBackends().includes('postgres') ? 'postgres' : 'pglite';
  const dir = await mkdtemp(path.join(tmpdir(), 'hydra-prom-'));
  let database: TestDatabase | undefined;
  let hydra: HydraProcess | undefined;
  let prometheus: RunningPrometheus | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await prometheus?.stop();
      await stopChild(hydra?.child, 'SIGINT', STOP_TIMEOUT_MS);
      await database?.close();
      await rm(dir, { recursive: true, force: true });
    })());
  const logs = (): string =>
    `hydra up (request and debug lines left out):\n${(hydra?.output() ?? '')
      .split('\n')
      .filter((line) => !line.includes('"msg":"request completed"') && !line.includes('"level":"debug"'))
      .join('\n')
      .slice(-LOG_TAIL_CHARS)}\nprometheus:\n${(prometheus?.log() ?? '').slice(-LOG_TAIL_CHARS)}`;
  try {
    database = backend === 'postgres' ? await openTestDatabase('postgres') : undefined;
    const started = await spawnHydraUp({
      dataDir: path.join(dir, 'hydra'),
      databaseUrl: database?.url,
      env: {
        HYDRA_EXPORT_INTERVAL: '1s',
        ...(options.diskThresholds ? { HYDRA_MONITORS: await demoMonitorsWith(options.diskThresholds, dir) } : {}),
        ...options.env,
      },
    });
    hydra = started.up;
    const exportsPort = started.ports.metrics;
    const { apiUrl } = started;
    const ruleFiles = options.ruleFiles ?? {};
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      `rule_files: ${JSON.stringify(Object.keys(ruleFiles))}`,
      'scrape_configs:',
      `  - job_name: ${SCRAPE_JOB}`,
      '    static_configs:',
      `      - targets: ['127.0.0.1:${exportsPort}']`,
      '',
    ].join('\n');
    prometheus = await spawnPrometheus(config, ruleFiles);
    const prometheusUrl = prometheus.url;
    const running = hydra;
    const wanted = options.waitFor ?? DEFAULT_READY_QUERIES;
    const deadline = Date.now() + (options.timeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    let missing: string[] = [...wanted];
    let lastError = '';
    for (;;) {
      prometheus.check();
      if (running.child.exitCode !== null) throw new Error(`hydra up exited with ${running.child.exitCode}\n${logs()}`);
      try {
        const answers = await Promise.all(wanted.map((name) => promQuery(prometheusUrl, name)));
        missing = wanted.filter((_, i) => answers[i]!.length === 0);
        lastError = '';
      } catch (err) {
        lastError = (err as Error).message; // Prometheus not listening yet
      }
      if (missing.length === 0) break;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for Prometheus to answer ${missing.join(' and ')} from hydra up` +
            `${lastError ? ` (${lastError})` : ''}\n${logs()}`,
        );
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return {
      prometheusUrl,
      metricsUrl: `http://127.0.0.1:${exportsPort}/metrics`,
      apiUrl,
      backend,
      query: (expr) => promQuery(prometheusUrl, expr),
      logs,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * A real `hydra up` for the browser tests and the dashboard benchmark: a
 * temporary data directory, free ports, one day of demo history and the live
 * demo workload; resolves once the dashboard serves its bundle.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@hydra/storage';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HYDRA_BIN = path.join(REPO_ROOT, 'cli', 'bin', 'hydra.js');
/** Longest wait for the dashboard to serve its bundle (includes a first build on a busy machine). */
export const UP_TIMEOUT_MS = 150_000;

export interface HydraUp {
  dashboardUrl: string;
  apiUrl: string;
  /** the OTLP/HTTP receiver's base URL (POST `${otlpHttpUrl}/v1/metrics`) */
  otlpHttpUrl: string;
  /** hydra's own Prometheus exposition (HYDRA_METRICS_PORT) */
  metricsUrl: string;
  /** ms from spawn until the dashboard served its bundle */
  startedInMs: number;
  output(): string;
  stop(): Promise<void>;
}

async function poll<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  proc: ChildProcess,
  out: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`hydra up exited ${proc.exitCode} before ${what}:\n${out()}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${out().slice(-4000)}`);
}

/**
 * Spawns `hydra up` and waits until the dashboard's index.html is served (200, not the 503 "building" page).
 *
 * @param options.token bearer token for the readiness checks, when `env` turns authentication on
 */
export async function startHydraUp(
  env: Record<string, string> = {},
  options: { token?: string } = {},
): Promise<HydraUp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hydra-dashboard-e2e-'));
  const [api, dashboard, otlpHttp, otlpGrpc, metrics] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const started = Date.now();
  const child = spawn(process.execPath, [HYDRA_BIN, 'up'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: '',
      HYDRA_DATA_DIR: dataDir,
      HYDRA_HOST: '127.0.0.1',
      HYDRA_API_PORT: String(api),
      HYDRA_DASHBOARD_PORT: String(dashboard),
      HYDRA_OTLP_HTTP_PORT: String(otlpHttp),
      HYDRA_OTLP_GRPC_PORT: String(otlpGrpc),
      HYDRA_METRICS_PORT: String(metrics),
      HYDRA_SEED_DAYS: '1',
      HYDRA_LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-64_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const dashboardUrl = `http://127.0.0.1:${dashboard}`;
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await poll(
      'the dashboard bundle',
      async () => ((await fetch(`${dashboardUrl}/dashboard`)).status === 200 ? true : undefined),
      UP_TIMEOUT_MS,
      child,
      () => out,
    );
    // The seeded history and a live point of every demo host, through the dashboard's own proxy.
    await poll(
      'demo data of the four hosts',
      async () => {
        const res = await fetch(`${dashboardUrl}/api/metrics?name=system.cpu.utilization&from=now-2m`, {
          headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
        });
        const body = (await res.json()) as { series?: { points: unknown[] }[] };
        return body.series?.length === 4 && body.series.every((s) => s.points.length > 0) ? true : undefined;
      },
      UP_TIMEOUT_MS,
      child,
      () => out,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dashboardUrl,
    apiUrl: `http://127.0.0.1:${api}`,
    otlpHttpUrl: `http://127.0.0.1:${otlpHttp}`,
    metricsUrl: `http://127.0.0.1:${metrics}/metrics`,
    startedInMs: Date.now() - started,
    output: () => out,
    stop,
  };
}

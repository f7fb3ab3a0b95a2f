/**
 * A real `hydra up` for the browser tests and the dashboard benchmark: a
 * temporary data directory, free ports, one day of demo history and the live
 * demo workload; resolves once the dashboard serves its bundle.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnHydraUp, type HydraProcess } from '../../testing/hydra-process.ts';

export { REPO_ROOT } from '../../testing/hydra-process.ts';
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
  proc: HydraProcess,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null)
      throw new Error(`hydra up exited ${proc.child.exitCode} before ${what}:\n${proc.output().slice(-4000)}`);
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${proc.output().slice(-4000)}`);
}

/**
 * Spawns `hydra up` (spawnHydraUp: free ports, a retry when one is lost, the API's /healthz) and waits until the
 * dashboard's index.html is served (200, not the 503 "building" page) and the demo hosts have live points.
 *
 * @param options.token bearer token for the readiness checks, when `env` turns authentication on
 */
export async function startHydraUp(
  env: Record<string, string> = {},
  options: { token?: string } = {},
): Promise<HydraUp> {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'hydra-dashboard-e2e-'));
  const started = Date.now();
  const { up, ports, apiUrl } = await spawnHydraUp({ dataDir, env: { HYDRA_LOG_LEVEL: 'warn', ...env } });
  const exited = up.exited.then(() => undefined);
  const dashboardUrl = `http://127.0.0.1:${ports.dashboard}`;
  const stop = async () => {
    if (up.child.exitCode === null) {
      up.child.kill('SIGINT');
      const timer = setTimeout(() => up.child.kill('SIGKILL'), 20_000);
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
      up,
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
      up,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    dashboardUrl,
    apiUrl,
    otlpHttpUrl: `http://127.0.0.1:${ports.otlpHttp}`,
    metricsUrl: `http://127.0.0.1:${ports.metrics}/metrics`,
    startedInMs: Date.now() - started,
    output: up.output,
    stop,
  };
}

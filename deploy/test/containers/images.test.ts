/**
 * hydra's images built for real and run as docker-compose.yml and the chart run them. `scripts/images.sh build`
 * builds every target of the project's Dockerfile (with base-image stand-ins from Debian packages where no
 * registry answers; cached per machine), then each image:
 * - runs as its own non-root user;
 * - starts hardened (read-only root filesystem, no capabilities, no new privileges, /tmp a tmpfs) and answers its
 *   health endpoint: the collector and the API against a real PostgreSQL, the dashboard's nginx serving the SPA;
 * - the collector container, killed with `docker kill` under load, loses no acknowledged point (the foundation's
 *   kill test, cli/test/kill-under-load.ts, with a container instead of a child process).
 * Prints the image sizes (bench/README.md "Containers").
 */
import { randomBytes } from 'node:crypto';
import { freePort } from '@hydra/storage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStack, type TestStack } from '../../../cli/test/helpers.ts';
import { killUnderLoad } from '../../../cli/test/kill-under-load.ts';
import { runTool, runToolOk } from '../tools.ts';

const TARGETS = ['hydra', 'collector', 'api', 'operator', 'dashboard'] as const;
type Target = (typeof TARGETS)[number];
const VERSION = '0.1.0';
/** How long a container may take to answer its health endpoint (tsx compiles hydra's sources on start). */
const START_TIMEOUT_MS = 90_000;
const KILL_AFTER_ACKS = 1_000;
/** The hardening docker-compose.yml gives every hydra container. */
const HARDENED = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges:true', '--tmpfs', '/tmp'];

const imageOf = (target: Target) =>
  target === 'hydra' ? `ghcr.io/hydra-dev/hydra:${VERSION}` : `ghcr.io/hydra-dev/hydra-${target}:${VERSION}`;

const docker = (args: string[]) => runToolOk('docker', args);

/** Containers this file started, removed at the end. */
const started: string[] = [];
async function run(args: string[]): Promise<string> {
  const id = (await docker(['run', '-d', '--label', 'io.hydra.test=containers', ...args])).trim();
  started.push(id);
  return id;
}

async function logsOf(id: string): Promise<string> {
  const result = await runTool('docker', ['logs', '--tail', '40', id]);
  return `${result.stdout}${result.stderr}`;
}

/** Waits for `url` to answer 2xx; fails at once when the container exits, with its last log lines. */
async function healthy(id: string, url: string): Promise<Response> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  let lastError = '';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return res;
      lastError = `answered ${res.status}`;
    } catch (err) {
      lastError = (err as Error).message;
    }
    const running = (await docker(['inspect', '--format', '{{.State.Running}}', id])).trim();
    if (running !== 'true') throw new Error(`the container exited before ${url} answered:\n${await logsOf(id)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer within ${START_TIMEOUT_MS} ms (${lastError}):\n${await logsOf(id)}`);
}

describe('hydra images (scripts/images.sh, docker)', () => {
  let stack: TestStack;
  const sizes = new Map<string, number>();

  beforeAll(async () => {
    const built = await runTool('bash', ['scripts/images.sh', 'build']);
    if (built.code !== 0)
      throw new Error(`scripts/images.sh build exited ${built.code}:\n${built.stderr.slice(-4000)}`);
    for (const line of built.stdout.trim().split('\n')) {
      const { target, bytes } = JSON.parse(line) as { target: string; bytes: number };
      sizes.set(target, bytes);
    }
    console.log(`image sizes (MB): ${[...sizes].map(([t, b]) => `${t} ${(b / 1e6).toFixed(0)}`).join(', ')}`);
    stack = await openTestStack('postgres');
  });

  afterAll(async () => {
    if (started.length > 0) await runTool('docker', ['rm', '-f', '-v', ...started]);
    await stack?.close();
  });

  it('builds every target of the Dockerfile', () => {
    expect([...sizes.keys()].sort()).toEqual([...TARGETS].sort());
    for (const bytes of sizes.values()) expect(bytes).toBeGreaterThan(0);
  });

  it.each(TARGETS)('%s runs as a non-root user', async (target) => {
    const user = (await docker(['image', 'inspect', '--format', '{{.Config.User}}', imageOf(target)])).trim();
    expect(user).not.toMatch(/^(|0|root)(:.*)?$/);
    const uid = (await docker(['run', '--rm', '--entrypoint', 'id', imageOf(target), '-u'])).trim();
    expect(Number(uid)).toBeGreaterThan(0);
  });

  it('the hydra image runs any hydra command', async () => {
    const out = await docker(['run', '--rm', ...HARDENED, imageOf('hydra'), '--version']);
    expect(out).toMatch(/^hydra \d+\.\d+\.\d+/);
  });

  it('the API and the collector start hardened against PostgreSQL and answer /readyz and /healthz', async () => {
    const [apiPort, httpPort, grpcPort, apiMetrics, collectorMetrics] = await Promise.all(
      Array.from({ length: 5 }, () => freePort()),
    );
    // authentication stays on (the separate components' default, even on loopback); readiness needs no token
    const common = [
      ...['--network', 'host', ...HARDENED],
      ...['-e', `DATABASE_URL=${stack.testDb.url}`, '-e', 'HYDRA_HOST=127.0.0.1'],
      ...['-e', `HYDRA_JWT_SECRET=${randomBytes(32).toString('hex')}`],
      ...['-e', `HYDRA_INGEST_TOKEN=ingest-${randomBytes(12).toString('hex')}`],
    ];
    const api = await run([
      ...common,
      '-e',
      `HYDRA_API_PORT=${apiPort}`,
      '-e',
      `HYDRA_METRICS_PORT=${apiMetrics}`,
      imageOf('api'),
    ]);
    const ready = await healthy(api, `http://127.0.0.1:${apiPort}/readyz`);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const collector = await run([
      ...common,
      '-e',
      `HYDRA_OTLP_HTTP_PORT=${httpPort}`,
      '-e',
      `HYDRA_OTLP_GRPC_PORT=${grpcPort}`,
      '-e',
      `HYDRA_METRICS_PORT=${collectorMetrics}`,
      imageOf('collector'),
      'collector',
      '--skip-migrate',
    ]);
    await healthy(collector, `http://127.0.0.1:${httpPort}/healthz`);
    // Docker's own health check, as compose waits on it: the image's HEALTHCHECK against its default ports is
    // not what runs here (ports moved), so only the process state is asserted.
    const state = (await docker(['inspect', '--format', '{{.State.Status}} {{.State.Running}}', collector])).trim();
    expect(state).toBe('running true');
  });

  it('the dashboard image serves the SPA and its health endpoint from nginx as uid 101', async () => {
    const port = await freePort();
    const dashboard = await run([
      ...HARDENED,
      '-p',
      `127.0.0.1:${port}:8080`,
      '-e',
      'HYDRA_API_URL=http://127.0.0.1:9',
      imageOf('dashboard'),
    ]);
    await healthy(dashboard, `http://127.0.0.1:${port}/healthz`);
    const page = await fetch(`http://127.0.0.1:${port}/alerts`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    // the API upstream is rendered from HYDRA_API_URL at start-up: nothing listens there, so nginx says 502
    expect((await fetch(`http://127.0.0.1:${port}/api/healthz`)).status).toBe(502);
  });

  it('the collector container, killed with docker kill under load, keeps every point it acknowledged', async () => {
    const [httpPort, grpcPort, metricsPort] = await Promise.all([freePort(), freePort(), freePort()]);
    const collector = await run([
      '--network',
      'host',
      ...HARDENED,
      '-e',
      `DATABASE_URL=${stack.testDb.url}`,
      '-e',
      'HYDRA_HOST=127.0.0.1',
      '-e',
      'HYDRA_AUTH=off',
      '-e',
      `HYDRA_OTLP_HTTP_PORT=${httpPort}`,
      '-e',
      `HYDRA_OTLP_GRPC_PORT=${grpcPort}`,
      '-e',
      `HYDRA_METRICS_PORT=${metricsPort}`,
      '-e',
      'HYDRA_WRITER_FLUSH_MS=20',
      '-e',
      'HYDRA_LOG_LEVEL=warn',
      imageOf('collector'),
      'collector',
      '--skip-migrate',
    ]);
    const base = `http://127.0.0.1:${httpPort}`;
    await healthy(collector, `${base}/healthz`);
    const result = await killUnderLoad({
      baseUrl: base,
      killAfterAcks: KILL_AFTER_ACKS,
      kill: async () => void (await docker(['kill', collector])),
      query: (params) => stack.queryMetrics(params),
    });
    const state = (await docker(['inspect', '--format', '{{.State.Running}} {{.State.ExitCode}}', collector])).trim();
    expect(state).toBe('false 137');
    console.log(`docker kill: ${JSON.stringify({ ...result, lost: result.lost.length })}`);
    expect(result.acknowledged).toBeGreaterThanOrEqual(KILL_AFTER_ACKS);
    expect(result.lost).toEqual([]);
    expect(result.invented).toEqual([]);
  });
});

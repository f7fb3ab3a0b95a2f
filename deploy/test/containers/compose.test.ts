/**
 * `docker compose up` for real: docker-compose.yml as users run it, with deploy/compose/standins.yml putting
 * PostgreSQL, Prometheus and Alertmanager built from Debian's packages in place of the images no registry serves
 * here (no Grafana), and hydra's own images from scripts/images.sh. Authentication is on, as the compose file sets
 * it. A real OpenTelemetry SDK exporter sends a metric into the collector container with the ingest token; the API
 * container returns it to a minted token; the dashboard container serves the SPA in Chromium, which signs in and
 * lists the new host through nginx's /api/ proxy; Prometheus scrapes hydra's exports (every target up). Prints the
 * cold start to healthy (bench/README.md "Containers").
 */
import { randomBytes } from 'node:crypto';
import { metrics as otelMetrics } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { freePort } from '@hydra/storage';
import { SignJWT } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../cli/test/helpers.ts';
import { launchChromium } from '../../../dashboard/e2e/browser.ts';
import { runTool, runToolOk } from '../tools.ts';

const PROJECT = `hydra-test-${randomBytes(3).toString('hex')}`;
const COMPOSE_FILES = ['-f', 'docker-compose.yml', '-f', 'deploy/compose/standins.yml'];
const WAIT_TIMEOUT_S = 300;
const UI_TIMEOUT_MS = 30_000;
const HOST = 'compose-test-1';
const METRIC = 'system.cpu.utilization';

const SECRETS = {
  HYDRA_JWT_SECRET: randomBytes(32).toString('hex'),
  HYDRA_INGEST_TOKEN: `ingest-${randomBytes(12).toString('hex')}`,
  HYDRA_SCRAPE_TOKEN: `scrape-${randomBytes(12).toString('hex')}`,
  POSTGRES_PASSWORD: randomBytes(12).toString('hex'),
};

function mint(scope: string): Promise<string> {
  return new SignJWT({ scope, sub: 'compose-test' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('15m')
    .sign(new TextEncoder().encode(SECRETS.HYDRA_JWT_SECRET));
}

describe('docker compose up (with local stand-ins for the third-party images)', () => {
  const ports: Record<string, number> = {};
  let env: NodeJS.ProcessEnv;
  let browser: Browser | undefined;
  let token: string;
  const compose = (args: string[]) =>
    runToolOk('docker', ['compose', '-p', PROJECT, ...COMPOSE_FILES, ...args], { env });

  beforeAll(async () => {
    for (const step of ['build', 'compose-standins']) {
      const result = await runTool('bash', ['scripts/images.sh', step]);
      if (result.code !== 0)
        throw new Error(`scripts/images.sh ${step} exited ${result.code}:\n${result.stderr.slice(-4000)}`);
    }
    for (const name of ['API', 'OTLP_HTTP', 'OTLP_GRPC', 'DASHBOARD', 'PROMETHEUS', 'ALERTMANAGER', 'POSTGRES'])
      ports[name] = await freePort();
    env = {
      ...SECRETS,
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [`HYDRA_${name}_PORT`, String(port)])),
    };
    token = await mint('metrics:read alerts:write');
  });

  afterAll(async () => {
    await browser?.close();
    if (env) {
      const down = await runTool(
        'docker',
        ['compose', '-p', PROJECT, ...COMPOSE_FILES, 'down', '-v', '--timeout', '20'],
        {
          env,
        },
      );
      if (down.code !== 0) console.error(`docker compose down: ${down.stderr}`);
    }
  });

  it('comes up healthy: every service of the stack running, the health-checked ones healthy', async () => {
    const started = performance.now();
    const up = await runTool(
      'docker',
      ['compose', '-p', PROJECT, ...COMPOSE_FILES, 'up', '-d', '--wait', '--wait-timeout', String(WAIT_TIMEOUT_S)],
      { env },
    );
    if (up.code !== 0) {
      const logs = await runTool('docker', ['compose', '-p', PROJECT, ...COMPOSE_FILES, 'logs', '--tail', '30'], {
        env,
      });
      throw new Error(
        `docker compose up exited ${up.code}: ${up.stderr.slice(-3000)}\n--- logs:\n${logs.stdout.slice(-6000)}`,
      );
    }
    console.log(
      `docker compose up (images built): healthy after ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const services = (await compose(['ps', '--format', '{{.Service}} {{.State}} {{.Health}}'])).trim().split('\n');
    expect(services.map((s) => s.split(' ')[0]).sort()).toEqual(
      ['alertmanager', 'api', 'collector', 'dashboard', 'prometheus', 'timescaledb'].sort(),
    );
    for (const line of services) expect(line).toMatch(/ running (healthy)?$/);
  });

  it('a metric sent by the OpenTelemetry SDK to the collector container is read back through the API container', async () => {
    const exporter = new OTLPMetricExporter({
      url: `http://127.0.0.1:${ports.OTLP_HTTP}/v1/metrics`,
      headers: { authorization: `Bearer ${SECRETS.HYDRA_INGEST_TOKEN}` },
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'compose-test', 'host.name': HOST }),
      readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
    });
    const gauge = provider.getMeter('compose-test').createGauge(METRIC, { unit: '1' });
    gauge.record(0.42);
    await provider.forceFlush();
    await provider.shutdown();
    otelMetrics.disable();

    const query = new URLSearchParams({ name: METRIC, host: HOST, from: 'now-1h', to: 'now+5m' });
    const body = await waitFor(
      'the point to be readable through the API',
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.API}/metrics?${query}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        if (!res.ok) throw new Error(`GET /metrics answered ${res.status}: ${await res.text()}`);
        const result = (await res.json()) as { series: Array<{ points: Array<[string, number]> }> };
        return result.series.length > 0 ? result : undefined;
      },
      30_000,
    );
    expect(body.series[0]!.points.map(([, v]) => v)).toContain(0.42);
    // without a token the API refuses (authentication is on in the compose file)
    expect((await fetch(`http://127.0.0.1:${ports.API}/metrics?${query}`)).status).toBe(401);
  });

  it('the dashboard container serves the SPA in Chromium, signs in and lists the new host through its /api/ proxy', async () => {
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${ports.DASHBOARD}/dashboard?from=now-1h&to=now`);
    const field = page.getByLabel('bearer token');
    await field.waitFor({ timeout: UI_TIMEOUT_MS });
    await field.fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('table').getByRole('link').allTextContents(), { timeout: UI_TIMEOUT_MS })
      .toContain(HOST);
  });

  it('Prometheus scrapes the API and the collector exports (targets up)', async () => {
    const targets = await waitFor(
      'every Prometheus target to be up',
      async () => {
        const res = await fetch(`http://127.0.0.1:${ports.PROMETHEUS}/api/v1/targets?state=active`);
        const body = (await res.json()) as {
          data: { activeTargets: Array<{ labels: { job: string }; health: string; lastError: string }> };
        };
        const active = body.data.activeTargets;
        return active.length >= 3 && active.every((t) => t.health === 'up') ? active : undefined;
      },
      90_000,
      2_000,
    ).catch(async (err: Error) => {
      const res = await fetch(`http://127.0.0.1:${ports.PROMETHEUS}/api/v1/targets?state=active`);
      throw new Error(`${err.message}: ${await res.text()}`, { cause: err });
    });
    expect(targets.map((t) => t.labels.job).sort()).toEqual(['hydra-api', 'hydra-collector', 'prometheus']);
  });
});

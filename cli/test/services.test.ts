/**
 * What Kubernetes runs: `hydra collector` and `hydra api` as separate
 * processes on one database, with authentication on (a server database turns
 * it on): the collector takes the static ingest token, the API a JWT with the
 * metrics:read scope; SIGTERM stops both cleanly with exit code 0.
 */
import { createHmac } from 'node:crypto';
import { freePort, type RangeResult } from '@hydra/storage';
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStack, spawnHydra, waitFor, type HydraProcess, type TestStack } from './helpers.ts';

const JWT_SECRET = 'services-test-secret-0123456789abcdef';
const INGEST_TOKEN = 'services-test-ingest-token';
const EXIT_TIMEOUT_MS = 20_000;

/** An HS256 JWT with the given claims (RFC 7519), signed with node:crypto. */
function hs256(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', JWT_SECRET).update(body).digest('base64url')}`;
}

// hydra's processes end to end, in plain mode: the storage, collector, API and job suites run both modes. Once:
// Kubernetes runs them on a PostgreSQL server, so on that when it is configured, on PGlite otherwise.
describe.each(testBackends({ timescaledb: false }).slice(-1))(
  'hydra collector + hydra api with authentication (%s)',
  (backend) => {
    let stack: TestStack;
    const running: HydraProcess[] = [];
    beforeAll(async () => {
      stack = await openTestStack(backend);
    });
    afterAll(async () => {
      for (const p of running) p.child.kill('SIGKILL');
      await stack?.close();
    });

    it('ingests with the ingest token, serves reads to a metrics:read JWT, and stops on SIGTERM', async () => {
      const ports = {
        http: await freePort(),
        grpc: await freePort(),
        api: await freePort(),
        m1: await freePort(),
        m2: await freePort(),
      };
      // A server database (not the embedded one): HYDRA_AUTH=auto turns authentication on.
      const env = {
        DATABASE_URL: stack.testDb.url,
        HYDRA_JWT_SECRET: JWT_SECRET,
        HYDRA_INGEST_TOKEN: INGEST_TOKEN,
        HYDRA_OTLP_HTTP_PORT: String(ports.http),
        HYDRA_OTLP_GRPC_PORT: String(ports.grpc),
        HYDRA_API_PORT: String(ports.api),
        HYDRA_LOG_LEVEL: 'warn',
      };
      const collector = spawnHydra(['collector'], { ...env, HYDRA_METRICS_PORT: String(ports.m1) });
      const api = spawnHydra(['api', '--skip-migrate'], { ...env, HYDRA_METRICS_PORT: String(ports.m2) });
      running.push(collector, api);
      const collectorUrl = `http://127.0.0.1:${ports.http}`;
      const apiUrl = `http://127.0.0.1:${ports.api}`;
      await waitFor(
        'the collector',
        async () => ((await fetch(`${collectorUrl}/healthz`)).ok ? true : undefined),
        30_000,
      );
      await waitFor('the API', async () => ((await fetch(`${apiUrl}/healthz`)).ok ? true : undefined), 30_000);

      const t = Date.now() - 60_000;
      const post = (authorization?: string) =>
        fetch(`${collectorUrl}/metrics`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify([{ name: 'svc.test', value: 4.5, host: 'h1', timestamp: t }]),
        });
      expect((await post()).status).toBe(401);
      expect((await post('Bearer not-the-token')).status).toBe(401);
      expect((await post(`Bearer ${INGEST_TOKEN}`)).status).toBe(200);

      const query = `${apiUrl}/metrics?name=svc.test&host=h1&from=${t - 1000}&to=${t + 1000}`;
      const now = Math.floor(Date.now() / 1000);
      expect((await fetch(query)).status).toBe(401);
      const writeOnly = hs256({ sub: 't', scope: 'metrics:write', iat: now, exp: now + 300 });
      expect((await fetch(query, { headers: { authorization: `Bearer ${writeOnly}` } })).status).toBe(403);
      const reader = hs256({ sub: 't', scope: 'metrics:read', iat: now, exp: now + 300 });
      const res = await fetch(query, { headers: { authorization: `Bearer ${reader}` } });
      expect(res.status).toBe(200);
      expect(((await res.json()) as RangeResult).series[0]!.points).toEqual([[t, 4.5]]);

      for (const p of [collector, api]) p.child.kill('SIGTERM');
      const timeout = new Promise((r) => setTimeout(() => r('still running'), EXIT_TIMEOUT_MS));
      expect(await Promise.race([collector.exited, timeout]), collector.output()).toBe(0);
      expect(await Promise.race([api.exited, timeout]), api.output()).toBe(0);
    });
  },
);

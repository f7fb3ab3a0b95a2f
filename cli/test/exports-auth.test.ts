/**
 * The exports port (:9464) with authentication on (issue 19 item 8): it
 * carries analysis results with the source series' labels, so a scrape needs
 * a bearer token with the metrics:scrape scope — the static scrape token
 * (HYDRA_SCRAPE_TOKEN) or a JWT with that scope — and anyone else gets 401/403.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator, type AuthConfig } from '@hydra/api';
import { freePort } from '@hydra/storage';
import { startTelemetry, type Telemetry } from '../src/telemetry.ts';

const SECRET = 'exports-auth-test-secret-of-32-bytes-or-more';
const AUTH: AuthConfig = {
  mode: 'on',
  jwtSecret: SECRET,
  ingestToken: 'exports-auth-ingest-token',
  scrapeToken: 'exports-auth-scrape-token',
};

describe('the exports port with authentication on', () => {
  let telemetry: Telemetry;
  beforeAll(async () => {
    telemetry = await startTelemetry({
      host: '127.0.0.1',
      port: await freePort(),
      component: 'exports-auth-test',
      authenticate: createAuthenticator(AUTH, 'metrics:scrape'),
    });
  });
  afterAll(async () => telemetry?.shutdown());

  const scrape = (authorization?: string) => fetch(telemetry.url, authorization ? { headers: { authorization } } : {});

  it('answers a scrape without a token with 401 and a Bearer challenge', async () => {
    const res = await scrape();
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer .*metrics:scrape/);
  });

  it('refuses the ingest token (403) and a wrong token (401)', async () => {
    expect((await scrape(`Bearer ${AUTH.ingestToken}`)).status).toBe(403);
    expect((await scrape('Bearer not-the-scrape-token-at-all')).status).toBe(401);
  });

  it('serves the scrape token, which grants nothing else', async () => {
    const res = await scrape(`Bearer ${AUTH.scrapeToken}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    await res.text();
    const ingest = createAuthenticator(AUTH, 'metrics:write');
    expect(await ingest(`Bearer ${AUTH.scrapeToken}`)).toMatchObject({ ok: false, status: 403 });
    expect((await fetch(telemetry.url.replace('/metrics', '/other'))).status).toBe(404);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { generateKeyPair, SignJWT } from 'jose';
import { buildApp } from '../src/index.ts';
import { CPU, HS256_SECRET, openFixture } from './fixtures.ts';
import type { Fixture } from './fixtures.ts';

function token(scope: string): Promise<string> {
  return new SignJWT({ scope, sub: 'tester' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(HS256_SECRET));
}

describe('routes with authentication on', () => {
  let fx: Fixture;
  let app: FastifyInstance;

  beforeAll(async () => {
    fx = await openFixture('pglite');
    app = await buildApp({ db: fx.db, auth: { mode: 'on', jwtSecret: HS256_SECRET } });
  });
  afterAll(async () => {
    await app?.close();
    await fx?.close();
  });

  it('answers 401 with WWW-Authenticate when the token is missing or invalid', async () => {
    for (const url of ['/metrics', '/metrics/names', '/series', '/labels', '/labels/env/values']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer realm="hydra", error="invalid_token"/);
      expect(res.json()).toMatchObject({
        error: 'unauthorized',
        message: expect.stringMatching(/missing bearer token/),
      });
    }
    const bad = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(bad.statusCode).toBe(401);
  });

  it('answers 403 naming the scope when the token lacks it', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${await token('metrics:write')}` },
    });
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toBe(
      'Bearer realm="hydra", error="insufficient_scope", scope="metrics:read"',
    );
    expect(res.json()).toEqual({
      error: 'forbidden',
      message: 'token lacks the scope metrics:read',
      details: { scope: 'metrics:read' },
    });
  });

  it('serves reads with a metrics:read token', async () => {
    const res = await app.inject({
      method: 'GET',
      url: `/metrics?name=${CPU.name}`,
      headers: { authorization: `Bearer ${await token('metrics:read')}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().series).toHaveLength(2);
  });

  it('keeps health and docs public', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/json' })).statusCode).toBe(200);
  });

  it('refuses to build when on without a secret or JWKS', async () => {
    await expect(buildApp({ db: fx.db, auth: { mode: 'on' } })).rejects.toThrow(
      /neither HYDRA_JWT_SECRET nor HYDRA_OIDC_JWKS_URL/,
    );
  });

  it('answers 503 auth_unavailable when the JWKS cannot be fetched', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT({ scope: 'metrics:read' })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setExpirationTime('5m')
      .sign(privateKey);
    // Port 1 on loopback: nothing listens, the fetch is refused at once.
    const oidc = await buildApp({ db: fx.db, auth: { mode: 'on', jwksUrl: 'http://127.0.0.1:1/jwks' } });
    try {
      const res = await oidc.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${rs256}` } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json()).toMatchObject({
        error: 'auth_unavailable',
        message: expect.stringMatching(/^cannot use the JWKS at http:\/\/127.0.0.1:1\/jwks/),
      });
    } finally {
      await oidc.close();
    }
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWTPayload } from 'jose';
import { AuthUnavailableError } from '@hydra/contract';
import { AuthConfigError, createAuthenticator, isLoopbackHost, resolveAuthConfig } from '../src/auth/index.ts';

const SECRET = 'test-secret-that-is-at-least-32-bytes-long';
const INGEST_TOKEN = 'ingest-token-0123456789';

function hs256(claims: JWTPayload, options: { secret?: string; expiresAt?: number } = {}): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(options.expiresAt ?? '5m')
    .sign(new TextEncoder().encode(options.secret ?? SECRET));
}

describe('resolveAuthConfig', () => {
  it('is off by default only for the embedded mode on a loopback address', () => {
    expect(resolveAuthConfig({}, { embedded: true, host: '127.0.0.1' }).mode).toBe('off');
    expect(resolveAuthConfig({}, { embedded: true, host: 'localhost' }).mode).toBe('off');
    expect(resolveAuthConfig({}, { embedded: true, host: '::1' }).mode).toBe('off');
    expect(() => resolveAuthConfig({}, { embedded: true, host: '0.0.0.0' })).toThrow(AuthConfigError);
    expect(() => resolveAuthConfig({}, { embedded: false, host: '127.0.0.1' })).toThrow(
      /HYDRA_JWT_SECRET nor HYDRA_OIDC_JWKS_URL/,
    );
  });

  it('turns on with a secret and reads every variable', () => {
    const config = resolveAuthConfig(
      {
        HYDRA_JWT_SECRET: SECRET,
        HYDRA_OIDC_JWKS_URL: 'https://issuer.example/jwks',
        HYDRA_OIDC_ISSUER: 'https://issuer.example/',
        HYDRA_OIDC_AUDIENCE: 'hydra',
        HYDRA_INGEST_TOKEN: INGEST_TOKEN,
      },
      { embedded: false, host: '0.0.0.0' },
    );
    expect(config).toEqual({
      mode: 'on',
      jwtSecret: SECRET,
      jwksUrl: 'https://issuer.example/jwks',
      issuer: 'https://issuer.example/',
      audience: 'hydra',
      ingestToken: INGEST_TOKEN,
    });
  });

  it('honours explicit on and off', () => {
    expect(resolveAuthConfig({ HYDRA_AUTH: 'off' }, { embedded: false, host: '0.0.0.0' }).mode).toBe('off');
    expect(() => resolveAuthConfig({ HYDRA_AUTH: 'on' }, { embedded: true, host: '127.0.0.1' })).toThrow(
      /HYDRA_AUTH=on/,
    );
    expect(
      resolveAuthConfig({ HYDRA_AUTH: 'ON', HYDRA_JWT_SECRET: SECRET }, { embedded: true, host: '127.0.0.1' }).mode,
    ).toBe('on');
  });

  it('names the variable at fault', () => {
    const ctx = { embedded: false, host: '10.0.0.1' };
    expect(() => resolveAuthConfig({ HYDRA_AUTH: 'maybe' }, ctx)).toThrow(
      /HYDRA_AUTH must be one of auto, on, off; got 'maybe'/,
    );
    expect(() => resolveAuthConfig({ HYDRA_JWT_SECRET: 'short' }, ctx)).toThrow(
      /HYDRA_JWT_SECRET must be at least 32 bytes/,
    );
    expect(() => resolveAuthConfig({ HYDRA_OIDC_JWKS_URL: 'not a url' }, ctx)).toThrow(
      /HYDRA_OIDC_JWKS_URL is not a URL/,
    );
    expect(() => resolveAuthConfig({ HYDRA_OIDC_JWKS_URL: 'ftp://x/jwks' }, ctx)).toThrow(/must be http\(s\)/);
    expect(() => resolveAuthConfig({ HYDRA_JWT_SECRET: SECRET, HYDRA_INGEST_TOKEN: 'abc' }, ctx)).toThrow(
      /HYDRA_INGEST_TOKEN must be at least 16/,
    );
    expect(() =>
      resolveAuthConfig({ HYDRA_JWT_SECRET: SECRET, HYDRA_INGEST_TOKEN: 'token with spaces 123' }, ctx),
    ).toThrow(/HYDRA_INGEST_TOKEN may only hold/);
  });

  it('recognises loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.1', 'example.com', '']) expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('createAuthenticator with HS256', () => {
  const config = { mode: 'on' as const, jwtSecret: SECRET, ingestToken: INGEST_TOKEN };
  const read = createAuthenticator(config, 'metrics:read');
  const write = createAuthenticator(config, 'metrics:write');

  it('accepts a token with the scope in `scope` or `scp`', async () => {
    expect(await read(`Bearer ${await hs256({ scope: 'openid metrics:read' })}`)).toEqual({ ok: true });
    expect(await write(`bearer ${await hs256({ scp: ['metrics:write'] })}`)).toEqual({ ok: true });
  });

  it('refuses a token without the scope with 403', async () => {
    const token = await hs256({ scope: 'metrics:read' });
    expect(await write(`Bearer ${token}`)).toEqual({
      ok: false,
      status: 403,
      message: 'token lacks the scope metrics:write',
    });
  });

  it('refuses missing, malformed, expired and wrongly signed tokens with 401', async () => {
    expect(await read(undefined)).toMatchObject({
      ok: false,
      status: 401,
      message: expect.stringMatching(/missing bearer token/),
    });
    expect(await read('Basic dXNlcjpwYXNz')).toMatchObject({
      status: 401,
      message: expect.stringMatching(/Bearer <token>/),
    });
    expect(await read('Bearer not-a-jwt')).toMatchObject({ status: 401, message: 'bearer token is not a JWT' });
    const expired = await hs256({ scope: 'metrics:read' }, { expiresAt: Math.floor(Date.now() / 1000) - 3600 });
    expect(await read(`Bearer ${expired}`)).toMatchObject({ status: 401, message: 'bearer token has expired' });
    const forged = await hs256({ scope: 'metrics:read' }, { secret: 'another-secret-that-is-32-bytes-or-more' });
    expect(await read(`Bearer ${forged}`)).toMatchObject({ status: 401, message: 'bearer token signature is invalid' });
  });

  it('accepts the ingest token for metrics:write only', async () => {
    expect(await write(`Bearer ${INGEST_TOKEN}`)).toEqual({ ok: true });
    expect(await read(`Bearer ${INGEST_TOKEN}`)).toMatchObject({ ok: false, status: 403 });
  });

  it('checks issuer and audience when configured', async () => {
    const strict = createAuthenticator(
      { ...config, issuer: 'https://issuer.example/', audience: 'hydra' },
      'metrics:read',
    );
    const good = await new SignJWT({ scope: 'metrics:read' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('https://issuer.example/')
      .setAudience('hydra')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));
    expect(await strict(`Bearer ${good}`)).toEqual({ ok: true });
    const noAudience = await hs256({ scope: 'metrics:read', iss: 'https://issuer.example/' });
    expect(await strict(`Bearer ${noAudience}`)).toMatchObject({
      status: 401,
      message: expect.stringMatching(/claim 'aud'/),
    });
  });

  it('lets everything through when off', async () => {
    expect(await createAuthenticator({ mode: 'off' }, 'metrics:write')(undefined)).toEqual({ ok: true });
  });

  it('refuses to build when on without a way to verify tokens', () => {
    expect(() => createAuthenticator({ mode: 'on', ingestToken: INGEST_TOKEN }, 'metrics:write')).toThrow(
      AuthConfigError,
    );
  });

  it('a collector with the ingest token alone accepts that token and refuses every JWT', async () => {
    const env = { HYDRA_AUTH: 'on', HYDRA_INGEST_TOKEN: INGEST_TOKEN };
    expect(() => resolveAuthConfig(env, { embedded: false, host: '0.0.0.0' })).toThrow(AuthConfigError);
    expect(() =>
      resolveAuthConfig({ HYDRA_AUTH: 'on' }, { embedded: false, host: '0.0.0.0', ingestTokenSuffices: true }),
    ).toThrow(AuthConfigError);
    const collector = resolveAuthConfig(env, { embedded: false, host: '0.0.0.0', ingestTokenSuffices: true });
    expect(collector).toMatchObject({ mode: 'on', staticTokensOnly: true });
    const ingest = createAuthenticator(collector, 'metrics:write');
    expect(await ingest(`Bearer ${INGEST_TOKEN}`)).toEqual({ ok: true });
    expect(await ingest(`Bearer ${await hs256({ scope: 'metrics:write' })}`)).toMatchObject({ ok: false, status: 401 });
    expect(await ingest(undefined)).toMatchObject({ ok: false, status: 401 });
  });
});

describe('createAuthenticator with a JWKS', () => {
  let server: http.Server;
  let jwksUrl: string;
  let privateKey: CryptoKey;
  let jwksAvailable = true;
  let jwksFetches = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
    server = http.createServer((req, res) => {
      jwksFetches++;
      if (!jwksAvailable) {
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
  });

  function rs256(claims: JWTPayload, kid = 'key-1'): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer('https://issuer.example/')
      .setAudience('hydra')
      .setExpirationTime('5m')
      .sign(privateKey);
  }

  it('verifies RS256 tokens against the served key set, with scopes', async () => {
    const config = { mode: 'on' as const, jwksUrl, issuer: 'https://issuer.example/', audience: 'hydra' };
    const read = createAuthenticator(config, 'metrics:read');
    expect(await read(`Bearer ${await rs256({ scp: ['metrics:read'] })}`)).toEqual({ ok: true });
    expect(await read(`Bearer ${await rs256({ scp: ['metrics:write'] })}`)).toMatchObject({ status: 403 });
    expect(await read(`Bearer ${await rs256({ scope: 'metrics:read' }, 'unknown-kid')}`)).toMatchObject({
      status: 401,
      message: 'bearer token was signed by a key the JWKS does not contain',
    });
  });

  it('shares one JWKS fetch among the authenticators of one config', async () => {
    const config = { mode: 'on' as const, jwksUrl, issuer: 'https://issuer.example/', audience: 'hydra' };
    const before = jwksFetches;
    const read = createAuthenticator(config, 'metrics:read');
    const write = createAuthenticator(config, 'metrics:write');
    const token = await rs256({ scope: 'metrics:read metrics:write' });
    expect(await read(`Bearer ${token}`)).toEqual({ ok: true });
    expect(await write(`Bearer ${token}`)).toEqual({ ok: true });
    expect(jwksFetches - before).toBe(1);
  });

  it('does not accept HS256 tokens when only a JWKS is configured', async () => {
    const read = createAuthenticator({ mode: 'on', jwksUrl }, 'metrics:read');
    expect(await read(`Bearer ${await hs256({ scope: 'metrics:read' })}`)).toMatchObject({
      status: 401,
      message: expect.stringMatching(/HS256 tokens are not accepted/),
    });
  });

  it('reports an unreachable JWKS as unavailable, not as a bad token', async () => {
    jwksAvailable = false;
    try {
      const read = createAuthenticator({ mode: 'on', jwksUrl }, 'metrics:read');
      await expect(read(`Bearer ${await rs256({ scope: 'metrics:read' })}`)).rejects.toBeInstanceOf(
        AuthUnavailableError,
      );
    } finally {
      jwksAvailable = true;
    }
  });
});

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, externalUrlOf, loadConfig } from '../src/config.ts';
import { authFor } from '../src/runtime/services.ts';

const ENV_EXAMPLE = new URL('../../.env.example', import.meta.url);

describe('config', () => {
  it('lists in .env.example exactly the settings config.ts reads, with the same defaults', async () => {
    const text = await readFile(ENV_EXAMPLE, 'utf8');
    const entries = text
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]);
    expect(entries).toEqual(SETTINGS.map((s) => [s.env, s.default]));
  });

  it('uses the documented defaults on an empty environment', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeNull();
    expect(config.embeddedDataDir).toBe('.hydra/pgdata');
    expect(config.storage).toBe('auto');
    expect([config.apiPort, config.otlpHttpPort, config.otlpGrpcPort, config.metricsPort]).toEqual([
      8080, 4318, 4317, 9464,
    ]);
    expect(config.demo).toBe(true);
    expect(config.seedDays).toBe(3);
    expect(config.retentionDays).toBe(30);
    expect(config.limits).toEqual({
      maxBodyBytes: 64 * 1024 * 1024,
      maxAttributes: 128,
      maxLabelLength: 2048,
      maxSeriesPerMetric: 50_000,
      maxFutureSeconds: 600,
    });
    expect(config.auth.mode).toBe('auto');
    expect(config.auth.jwtSecret).toBeNull();
  });

  it('reads values from the environment', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/hydra',
      HYDRA_STORAGE: 'TimescaleDB',
      HYDRA_API_PORT: '0',
      HYDRA_DEMO: 'no',
      HYDRA_WRITER_CONNECTIONS: '4',
      HYDRA_DATA_DIR: '/tmp/h',
    });
    expect(config.databaseUrl).toBe('postgres://u@db:5432/hydra');
    expect(config.storage).toBe('timescaledb');
    expect(config.apiPort).toBe(0);
    expect(config.demo).toBe(false);
    expect(config.writer.connections).toBe(4);
    expect(config.embeddedDataDir).toBe('/tmp/h/pgdata');
  });

  it.each([
    ['HYDRA_API_PORT', '80a', "HYDRA_API_PORT: '80a' is not a whole number"],
    ['HYDRA_OTLP_GRPC_PORT', '70000', 'HYDRA_OTLP_GRPC_PORT: 70000 is outside 0…65535'],
    ['HYDRA_STORAGE', 'mysql', "HYDRA_STORAGE: 'mysql' is not one of auto, postgres, timescaledb"],
    ['HYDRA_DEMO', 'maybe', "HYDRA_DEMO: 'maybe' is not true or false"],
    ['DATABASE_URL', 'mysql://x', 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    ['HYDRA_OIDC_JWKS_URL', 'not a url', "HYDRA_OIDC_JWKS_URL: 'not a url' is not a URL"],
    ['HYDRA_RETENTION_DAYS', '0', 'HYDRA_RETENTION_DAYS: 0 is outside'],
    ['HYDRA_LOG_LEVEL', 'loud', "HYDRA_LOG_LEVEL: 'loud' is not one of"],
  ])('fails fast naming %s when it is %j', (name, value, message) => {
    const attempt = () => loadConfig({ [name]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('refuses a writer queue smaller than one batch', () => {
    expect(() => loadConfig({ HYDRA_WRITER_QUEUE_ROWS: '10', HYDRA_WRITER_BATCH_ROWS: '100' })).toThrow(
      'HYDRA_WRITER_QUEUE_ROWS: 10 is below HYDRA_WRITER_BATCH_ROWS (100)',
    );
  });

  it('reads the external URL alert links point at, and falls back to the own dashboard only under hydra up', () => {
    expect(loadConfig({}).externalUrl).toBeNull();
    const config = loadConfig({ HYDRA_EXTERNAL_URL: 'https://ops.example.com/hydra/' });
    expect(config.externalUrl).toBe('https://ops.example.com/hydra');
    expect(externalUrlOf(config, 'http://127.0.0.1:3000')).toBe('https://ops.example.com/hydra');
    expect(externalUrlOf(loadConfig({}), 'http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000');
    expect(externalUrlOf(loadConfig({}))).toBeNull();
    expect(() => loadConfig({ HYDRA_EXTERNAL_URL: 'hydra.example.com' })).toThrow(
      "HYDRA_EXTERNAL_URL: 'hydra.example.com' is not an absolute URL",
    );
    expect(() => loadConfig({ HYDRA_EXTERNAL_URL: 'ftp://x' })).toThrow(ConfigError);
  });
});

describe('authentication settings', () => {
  const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';

  it('is off for the embedded database on loopback', () => {
    expect(authFor(loadConfig({})).mode).toBe('off');
  });

  it('is on with a server database, and refuses to start without a way to verify tokens', () => {
    expect(() => authFor(loadConfig({ DATABASE_URL: 'postgres://db/hydra' }))).toThrow(/HYDRA_JWT_SECRET/);
    const auth = authFor(
      loadConfig({
        DATABASE_URL: 'postgres://db/hydra',
        HYDRA_JWT_SECRET: SECRET,
        HYDRA_INGEST_TOKEN: 'ingest-token-0123456789',
      }),
    );
    expect(auth).toMatchObject({ mode: 'on', jwtSecret: SECRET, ingestToken: 'ingest-token-0123456789' });
  });

  it('is on for the embedded database on a public address', () => {
    expect(authFor(loadConfig({ HYDRA_HOST: '0.0.0.0', HYDRA_JWT_SECRET: SECRET })).mode).toBe('on');
  });

  it('follows an explicit HYDRA_AUTH', () => {
    expect(authFor(loadConfig({ DATABASE_URL: 'postgres://db/hydra', HYDRA_AUTH: 'off' })).mode).toBe('off');
  });
});

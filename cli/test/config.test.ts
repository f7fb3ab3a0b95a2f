import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, loadConfig } from '../src/config.ts';

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
});

/**
 * The small commands end to end against a test database: `hydra migrate`,
 * `hydra seed` (and its guard against seeding a database that holds
 * metrics), and `--help` of every command this package owns. They run
 * through `main` in this process (runHydra); `hydra up` as a child process is
 * up-smoke.test.ts.
 */
import { testBackends } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../src/main.ts';
import { openTestStack, runHydra, type TestStack } from './helpers.ts';

const OWN_COMMANDS = ['up', 'migrate', 'seed', 'import', 'collector', 'api'];

describe('hydra <command> (in process, through main)', () => {
  const captured = (stream: 'log' | 'error') => {
    const lines: string[] = [];
    const spy = vi.spyOn(console, stream).mockImplementation((...args: unknown[]) => void lines.push(args.join(' ')));
    return { text: () => lines.join('\n'), restore: () => spy.mockRestore() };
  };

  it.each(OWN_COMMANDS)('%s --help prints its usage and exits 0', async (command) => {
    const out = captured('log');
    try {
      expect(await main([command, '--help'])).toBe(0);
      expect(out.text()).toContain(`usage: hydra ${command}`);
    } finally {
      out.restore();
    }
  });

  it('refuses an unknown option with exit code 2', async () => {
    const err = captured('error');
    try {
      expect(await main(['seed', '--dayz', '2'])).toBe(2);
      expect(err.text()).toContain("Unknown option '--dayz'");
    } finally {
      err.restore();
    }
  });

  it('names the setting at fault in a fatal JSON log line and exits 1', async () => {
    const lines: string[] = [];
    const spy = vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
    process.env.HYDRA_STORAGE = 'mysql';
    try {
      expect(await main(['migrate'])).toBe(1);
    } finally {
      delete process.env.HYDRA_STORAGE;
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'fatal',
      component: 'migrate',
      msg: "hydra migrate: HYDRA_STORAGE: 'mysql' is not one of auto, postgres, timescaledb",
      err: { type: 'ConfigError', message: "HYDRA_STORAGE: 'mysql' is not one of auto, postgres, timescaledb" },
    });
  });
});

// hydra's processes end to end, in plain mode: the storage, collector, API and job suites run both modes
describe.each(testBackends({ timescaledb: false }))('hydra migrate and hydra seed (%s)', (backend) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await openTestStack(backend);
  });
  afterAll(async () => {
    await stack?.close();
  });
  const hydra = (args: string[]) => runHydra(args, { DATABASE_URL: stack.testDb.url, HYDRA_LOG_LEVEL: 'warn' });

  it('migrate reports an up-to-date schema', async () => {
    const { code, output } = await hydra(['migrate']);
    expect(code).toBe(0);
    expect(output).toContain('nothing to apply');
    expect(output).toMatch(/storage mode postgres: schema version (\d+) of \1/);
  });

  it('seed writes the demo history once, and then refuses without --force', async () => {
    const first = await hydra(['seed', '--days', '1']);
    expect(first.code).toBe(0);
    expect(first.output).toMatch(/seeded 40320 points from /);

    const cpu = await stack.queryMetrics({
      name: 'system.cpu.utilization',
      host: 'web-4',
      from: 'now-1d',
      step: '1h',
      aggregation: 'max',
    });
    expect(cpu.series).toHaveLength(1);
    expect(cpu.series[0]!.points.length).toBeGreaterThanOrEqual(24);
    const errors = await stack.queryMetrics({
      name: 'http.server.errors',
      from: 'now-1d',
      step: '1h',
      aggregation: 'rate',
    });
    expect(errors.series).toHaveLength(4);

    const second = await hydra(['seed', '--days', '1']);
    expect(second.code).toBe(0);
    expect(second.output).toContain('the database already holds metrics: nothing seeded');
  });
});

/**
 * The in-process job scheduler and the job helpers: cron validation, no
 * overlapping runs, failures reported (not thrown), shutdown aborting and
 * awaiting a run; shard parsing and the stability of the shard hash;
 * durations and detector options from a monitor spec.
 */
import { describe, expect, it, vi } from 'vitest';
import { parseMonitorSpec } from '@hydra/schema';
import { detectorOptions, JobScheduler, notifierTargets, parseShard, shardOf } from '../src/index.ts';
import { captureLogger } from '@hydra/logging/testing';

describe('JobScheduler', () => {
  it('refuses a schedule that is not cron and duplicate names, naming the job', () => {
    const run = async () => undefined;
    expect(() => new JobScheduler({ jobs: [{ name: 'anomaly a', schedule: 'every minute', run }] })).toThrow(
      /job 'anomaly a': schedule 'every minute' is not a cron expression/,
    );
    expect(
      () =>
        new JobScheduler({
          jobs: [
            { name: 'x', schedule: '* * * * *', run },
            { name: 'x', schedule: '@hourly', run },
          ],
        }),
    ).toThrow(/two jobs are named 'x'/);
  });

  it('skips a run while the previous one of the same job is going, and reports failures', async () => {
    let release!: () => void;
    let runs = 0;
    const { logger, lines } = captureLogger();
    const scheduler = new JobScheduler({
      jobs: [
        {
          name: 'anomaly slow',
          schedule: '0 0 1 1 *',
          run: () => {
            runs += 1;
            return new Promise<void>((resolve) => (release = resolve));
          },
        },
        {
          name: 'anomaly broken',
          schedule: '0 0 1 1 *',
          run: () => Promise.reject(new Error('database is down')),
        },
      ],
      logger,
    });
    const first = scheduler.trigger('anomaly slow');
    const second = scheduler.trigger('anomaly slow');
    expect(lines.filter((l) => l.level === 'warn').map((l) => l.job)).toEqual(['anomaly slow']);
    await vi.waitFor(() => expect(runs).toBe(1));
    release();
    await Promise.all([first, second]);
    expect(runs).toBe(1);
    await scheduler.trigger('anomaly broken');
    expect(lines.filter((l) => l.level === 'error')).toMatchObject([
      { job: 'anomaly broken', msg: 'anomaly broken: database is down', err: { message: 'database is down' } },
    ]);
    await expect(scheduler.trigger('nope')).rejects.toThrow(/no job named 'nope'/);
    await scheduler.shutdown();
  });

  it('runs different jobs one at a time', async () => {
    const log: string[] = [];
    const job = (name: string) => ({
      name,
      schedule: '@hourly',
      run: async () => {
        log.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 20));
        log.push(`${name} end`);
      },
    });
    const scheduler = new JobScheduler({ jobs: [job('a'), job('b')] });
    await Promise.all([scheduler.trigger('a'), scheduler.trigger('b')]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
    await scheduler.shutdown();
  });

  it('shutdown aborts a run waiting out its delay and waits for it; start after shutdown does nothing', async () => {
    let ran = false;
    const scheduler = new JobScheduler({
      jobs: [
        {
          name: 'anomaly delayed',
          schedule: '* * * * *',
          delayMs: 60_000,
          run: async () => {
            ran = true;
          },
        },
      ],
    });
    scheduler.start();
    expect(scheduler.nextRun('anomaly delayed')?.getUTCSeconds()).toBe(0);
    const pending = scheduler.trigger('anomaly delayed');
    const started = Date.now();
    await scheduler.shutdown(5_000);
    await pending;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(ran).toBe(false);
    await scheduler.shutdown();
  });
});

describe('job helpers', () => {
  it('parses shards and refuses bad ones naming the flag', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(() => parseShard('4/4')).toThrow(/--shard: i must be below n \(4\), got 4/);
    expect(() => parseShard('1-4')).toThrow(/is not of the form i\/n/);
    expect(() => parseShard('0/0')).toThrow(/n must be from 1/);
  });

  it('puts every series in exactly one shard, the same one every time, roughly evenly', () => {
    const counts = [0, 0, 0, 0];
    for (let id = 1; id <= 4_000; id++) {
      const shard = shardOf(id, 4);
      expect(shardOf(id, 4)).toBe(shard);
      counts[shard]! += 1;
    }
    for (const c of counts) expect(c).toBeGreaterThan(850);
    // pinned: a release that changes the hash would move series between shards mid-checkpoint
    expect([1, 2, 3, 1000].map((id) => shardOf(id, 16))).toEqual([3, 10, 5, 5]);
  });

  it('turns a spec into detector options and notifier targets', () => {
    const spec = parseMonitorSpec({
      selector: { metric: 'm' },
      anomaly: { direction: 'above', sensitivity: 0.75, minDeviation: 2, warmup: '2h' },
      alerting: {
        alertmanagerUrl: 'http://am:9093',
        webhooks: [
          { url: 'https://hooks.example/x', secretRef: { name: 'hooks', key: 'token' } },
          { url: 'http://y/z' },
        ],
      },
    });
    expect(detectorOptions(spec, 60_000)).toEqual({
      sensitivity: 0.75,
      direction: 'above',
      minDeviation: 2,
      warmup: 120,
    });
    expect(notifierTargets(spec)).toEqual([
      { kind: 'alertmanager', url: 'http://am:9093' },
      { kind: 'webhook', url: 'https://hooks.example/x', secretRef: 'hooks/token' },
      { kind: 'webhook', url: 'http://y/z' },
    ]);
  });
});

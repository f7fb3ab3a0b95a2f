/**
 * The `hydra` commands' logs as a log stack sees them: a real `hydra job` process whose stderr is JSON lines
 * only (level, time, msg, component, service), with the pass's monitor, kind and results, while stdout keeps
 * the command's result (no key twice in a line: Elasticsearch refuses such documents); and a failing command's
 * last word as a fatal JSON line with the error (through `main` in this process: that line is written to
 * process.stderr, which runHydra captures).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { initialiseDataDir } from '@hydra/storage/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { runHydra, spawnHydra } from './helpers.ts';
import { duplicateKeys, logLines } from './log-lines.ts';

describe('duplicateKeys', () => {
  it('finds a key given twice in one object, at any depth, and nothing else', () => {
    expect(duplicateKeys('{"monitor":"a","kind":"anomaly","monitor":"a"}')).toEqual(['monitor']);
    expect(duplicateKeys('{"err":{"type":"E","type":"F"},"type":"G"}')).toEqual(['err.type']);
    expect(duplicateKeys('{"a":{"k":1},"b":{"k":2},"c":[{"k":1},{"k":2}]}')).toEqual([]);
  });
});

describe('hydra command logs', () => {
  let dataDir: string | undefined;
  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('hydra job: JSON lines on stderr with monitor, kind and the pass results; the report on stdout', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hydra-logs-'));
    // the embedded database's directory as its first start leaves it (the job logs the same lines; no initdb)
    await initialiseDataDir(path.join(dataDir, 'pgdata'));
    const job = spawnHydra(['job', 'anomaly', '--monitor', 'demo-cpu', '--file', 'hydra.yaml', '--no-dispatch'], {
      DATABASE_URL: '',
      HYDRA_DATA_DIR: dataDir,
      HYDRA_LOG_LEVEL: 'info',
      HYDRA_LOG_FORMAT: 'json',
    });
    expect(await job.exited, job.output()).toBe(0);
    const lines = logLines(job.stderr());
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatchObject({ component: 'job', kind: 'anomaly', monitor: 'default/demo-cpu' });
    expect(lines.find((l) => /^anomaly default\/demo-cpu/.test(l.msg as string))).toMatchObject({
      level: 'info',
      series: 0,
      seriesScored: 0,
      anomalies: 0,
      alertsFiring: 0,
      durationMs: expect.any(Number),
    });
    // stdout is the result, untouched by logs: the report as one JSON document
    expect(JSON.parse(job.stdout().trim())).toMatchObject({ monitor: 'default/demo-cpu', shard: expect.any(String) });
  });

  it('a failing command ends with a fatal JSON line carrying the error', async () => {
    const job = await runHydra(['job', 'anomaly', '--monitor', 'no-such-monitor', '--file', 'hydra.yaml'], {
      HYDRA_LOG_LEVEL: 'info',
      HYDRA_LOG_FORMAT: 'json',
    });
    expect(job.code).toBe(1);
    const lines = logLines(job.stderr);
    expect(lines.at(-1)).toMatchObject({
      level: 'fatal',
      component: 'job',
      msg: expect.stringMatching(/^hydra job: .*no-such-monitor/),
      err: { type: expect.any(String), message: expect.stringContaining('no-such-monitor'), stack: expect.any(String) },
    });
  });

  it('HYDRA_LOG_FORMAT=pretty writes lines for people, not JSON', async () => {
    const job = await runHydra(['job', 'anomaly', '--monitor', 'no-such-monitor', '--file', 'hydra.yaml'], {
      HYDRA_LOG_FORMAT: 'pretty',
    });
    expect(job.code).toBe(1);
    expect(job.stderr).toMatch(/FATAL.*\[job\] hydra job: .*no-such-monitor/);
    expect(() => JSON.parse(job.stderr.split('\n')[0]!)).toThrow();
  });
});

/**
 * `hydra forecast` end to end: real CSV files in a temporary directory, the real worker pool, and
 * one run through the `hydra` binary as a user would type it.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/commands/forecast.ts';

const execFileAsync = promisify(execFile);
const HOUR_MS = 3_600_000;
const START = Date.UTC(2026, 0, 5);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hydra-forecast-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function iso(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

async function forecastCsv(input: string, args: string[] = []): Promise<{ code: number; rows: string[][] }> {
  const inFile = join(dir, `in-${Math.random().toString(36).slice(2)}.csv`);
  const outFile = `${inFile}.out.csv`;
  await writeFile(inFile, input);
  const code = await run(['--input', inFile, '--output', outFile, '--workers', '2', ...args]);
  const text = await readFile(outFile, 'utf8');
  return {
    code,
    rows: text
      .trim()
      .split('\n')
      .map((l) => l.split(',')),
  };
}

function hourlyRows(
  name: string,
  n: number,
  f: (i: number) => number | '',
  skip: (i: number) => boolean = () => false,
): string[] {
  const rows: string[] = [];
  for (let i = 0; i < n; i++) if (!skip(i)) rows.push(`${name},${iso(START + i * HOUR_MS)},${f(i)}`);
  return rows;
}

describe('hydra forecast', () => {
  it('forecasts many series, including short, constant, gappy and negative ones', async () => {
    const rows = [
      'series,timestamp,value',
      ...hourlyRows('web', 24 * 14, (i) => 100 + 30 * Math.sin((2 * Math.PI * i) / 24) + (i % 7)),
      ...hourlyRows('short', 20, (i) => i % 5),
      ...hourlyRows('flat', 100, () => 3),
      ...hourlyRows(
        'gappy',
        24 * 8,
        (i) => (i % 13 === 0 ? '' : 50 + 10 * Math.sin((2 * Math.PI * i) / 24)),
        (i) => i > 60 && i < 66,
      ),
      ...hourlyRows('cold', 24 * 8, (i) => -20 + 5 * Math.sin((2 * Math.PI * i) / 24)),
    ];
    const { code, rows: out } = await forecastCsv(`${rows.join('\n')}\n`, ['--horizon', '12', '--level', '0.9']);
    expect(code).toBe(0);
    expect(out[0]).toEqual(['series', 'step', 'timestamp', 'mean', 'lower', 'upper']);
    const body = out.slice(1);
    expect(body).toHaveLength(5 * 12);
    for (const name of ['web', 'short', 'flat', 'gappy', 'cold']) {
      const mine = body.filter((r) => r[0] === name);
      expect(mine.map((r) => r[1])).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
      for (const [, , , mean, lower, upper] of mine) {
        expect(Number(lower)).toBeLessThanOrEqual(Number(mean) + 1e-9);
        expect(Number(mean)).toBeLessThanOrEqual(Number(upper) + 1e-9);
      }
    }
    const web = body.filter((r) => r[0] === 'web');
    expect(web[0]?.[2]).toBe(new Date(START + 24 * 14 * HOUR_MS).toISOString());
    body.filter((r) => r[0] === 'flat').forEach((r) => expect(Number(r[3])).toBeCloseTo(3, 3));
    expect(Math.max(...body.filter((r) => r[0] === 'cold').map((r) => Number(r[3])))).toBeLessThan(0);
  });

  it('accepts integer step indices and continues them', async () => {
    const rows = ['series,timestamp,value', ...Array.from({ length: 60 }, (_, i) => `s,${i},${i * 2}`)];
    const { code, rows: out } = await forecastCsv(`${rows.join('\n')}\n`, [
      '--horizon',
      '3',
      '--model',
      'linear-trend',
    ]);
    expect(code).toBe(0);
    expect(out.slice(1).map((r) => [r[1], r[2], Number(r[3]).toFixed(6)])).toEqual([
      ['1', '60', '120.000000'],
      ['2', '61', '122.000000'],
      ['3', '62', '124.000000'],
    ]);
  });

  it("forecasts a single-row series on the file's typical interval", async () => {
    const rows = ['series,timestamp,value', ...hourlyRows('many', 30, (i) => i), `one,${iso(START)},5`];
    const { code, rows: out } = await forecastCsv(`${rows.join('\n')}\n`, ['--horizon', '2']);
    expect(code).toBe(0);
    expect(out.filter((r) => r[0] === 'one').map((r) => [r[2], r[3]])).toEqual([
      [new Date(START + HOUR_MS).toISOString(), '5'],
      [new Date(START + 2 * HOUR_MS).toISOString(), '5'],
    ]);
  });

  it('uses --season when given', async () => {
    const rows = ['series,timestamp,value', ...Array.from({ length: 40 }, (_, i) => `s,${i},${[1, 5, 9, 5][i % 4]}`)];
    const { rows: out } = await forecastCsv(`${rows.join('\n')}\n`, [
      '--horizon',
      '4',
      '--season',
      '4',
      '--model',
      'seasonal-naive',
    ]);
    expect(out.slice(1).map((r) => Number(r[3]))).toEqual([1, 5, 9, 5]);
  });

  it('adds the weekly cycle to a daily --season when the data shows it', async () => {
    // 4 weeks of step-indexed hourly data: a daily cycle, and weekends (days 5 and 6) at a third of the level
    const value = (i: number) => (Math.floor(i / 24) % 7 >= 5 ? 10 : 30) + 5 * Math.sin((2 * Math.PI * i) / 24);
    const rows = ['series,timestamp,value', ...Array.from({ length: 672 }, (_, i) => `s,${i},${value(i).toFixed(6)}`)];
    const { rows: out } = await forecastCsv(`${rows.join('\n')}\n`, [
      '--horizon',
      '24',
      '--season',
      '24',
      '--model',
      'seasonal-naive',
    ]);
    // step 672 is a Monday-like day again: the weekly season repeats day 672-168, not the last (weekend) day
    out.slice(1).forEach((r, k) => expect(Number(r[3])).toBeCloseTo(value(672 - 168 + k), 4));
  });

  it.each([
    ['a header without the value column', 'series,timestamp\ns,1\n', /missing value/],
    [
      'a value that is not a number',
      'series,timestamp,value\ns,1,1\ns,2,abc\n',
      /line 3: value 'abc' is not a finite number/,
    ],
    ['a bad timestamp', 'series,timestamp,value\ns,yesterday,1\n', /line 2: timestamp 'yesterday'/],
    ['an empty series name', 'series,timestamp,value\n,1,1\n', /line 2: series is empty/],
    ['two rows for one timestamp', 'series,timestamp,value\ns,1,1\ns,1,2\n', /two rows for timestamp 1/],
    [
      'mixed step indices and times',
      'series,timestamp,value\ns,1,1\ns,2026-01-01 00:00:00,2\n',
      /mixes step indices and times/,
    ],
    ['an empty file', '', /empty/],
  ])('refuses %s with a clear error', async (_label, text, message) => {
    const inFile = join(dir, 'bad.csv');
    await writeFile(inFile, text);
    await expect(run(['--input', inFile, '--output', join(dir, 'bad-out.csv'), '--horizon', '2'])).rejects.toThrow(
      message,
    );
  });

  it('refuses bad options', async () => {
    await expect(run(['--input', 'x.csv', '--output', 'y.csv'])).rejects.toThrow(/--horizon is required/);
    await expect(run(['--input', 'x.csv', '--output', 'y.csv', '--horizon', '0'])).rejects.toThrow(/--horizon/);
    await expect(run(['--input', 'x.csv', '--output', 'y.csv', '--horizon', '2', '--level', '95'])).rejects.toThrow(
      /--level/,
    );
    await expect(run(['--input', 'x.csv', '--output', 'y.csv', '--horizon', '2', '--model', 'magic'])).rejects.toThrow(
      /unknown model 'magic'/,
    );
    await expect(run(['--input', join(dir, 'missing.csv'), '--output', 'y.csv', '--horizon', '2'])).rejects.toThrow(
      /no such file/,
    );
  });

  it('writes byte-identical output for the same input, on any worker count, with the machine loaded or not', async () => {
    // Series with spikes, a level shift, zeros and a weekly cycle: every candidate and the cleaning run.
    const rows = ['series,timestamp,value'];
    for (let s = 0; s < 6; s++) {
      rows.push(
        ...hourlyRows(`s${s}`, 24 * 15, (i) => {
          const day = 50 + 20 * Math.sin((2 * Math.PI * (i + 3 * s)) / 24) + 5 * Math.sin((2 * Math.PI * i) / 168);
          const noise = ((i * 7919 + s * 104729) % 1000) / 250;
          const spike = i % (53 + s) === 0 ? 200 : 0;
          const shift = s % 2 === 1 && i > 24 * 13 ? 30 : 0;
          return s === 5 && i % 3 === 0 ? 0 : +(day + noise + spike + shift).toFixed(3);
        }),
      );
    }
    const inFile = join(dir, 'determinism.csv');
    await writeFile(inFile, `${rows.join('\n')}\n`);
    const quietFile = join(dir, 'determinism-quiet.csv');
    const loadedFile = join(dir, 'determinism-loaded.csv');
    expect(await run(['--input', inFile, '--output', quietFile, '--horizon', '48', '--workers', '2'])).toBe(0);
    // Load the machine: busy loops on three threads while the same file is forecast on one worker.
    const { Worker } = await import('node:worker_threads');
    const spin = 'const end = Date.now() + 120_000; while (Date.now() < end) {}';
    const spinners = Array.from({ length: 3 }, () => new Worker(spin, { eval: true }));
    try {
      expect(await run(['--input', inFile, '--output', loadedFile, '--horizon', '48', '--workers', '1'])).toBe(0);
    } finally {
      await Promise.all(spinners.map((w) => w.terminate()));
    }
    const quiet = await readFile(quietFile);
    expect(quiet.length).toBeGreaterThan(6 * 48 * 20);
    expect((await readFile(loadedFile)).equals(quiet)).toBe(true);
  }, 120_000);

  it('runs as `npx hydra forecast` from the repository root', async () => {
    const inFile = join(dir, 'cli.csv');
    const outFile = join(dir, 'cli-out.csv');
    await writeFile(
      inFile,
      [
        'series,timestamp,value',
        ...hourlyRows('a', 72, (i) => i % 24),
        ...hourlyRows('b', 72, (i) => 24 - (i % 24)),
      ].join('\n'),
    );
    const { stderr } = await execFileAsync(
      'npx',
      ['hydra', 'forecast', '--input', inFile, '--horizon', '5', '--output', outFile],
      { cwd: join(import.meta.dirname, '../..') },
    );
    expect(stderr).toMatch(/2 series in [\d.]+ s \(CPU [\d.]+ s\) on 2 worker/);
    expect((await readFile(outFile, 'utf8')).trim().split('\n')).toHaveLength(1 + 2 * 5);
  }, 60_000);
});

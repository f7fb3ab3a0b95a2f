/**
 * `hydra analyze` end to end: real files in a temporary directory, the real
 * command (in process through `run`, and once through the `hydra` bin).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../src/commands/analyze.ts';
import { CsvSeriesError } from '../src/csv-series.ts';

const HYDRA_BIN = fileURLToPath(new URL('../bin/hydra.js', import.meta.url));
const HEADER = 'timestamp,value,anomaly_score,expected,lower,upper';
const START = Date.UTC(2026, 0, 5);
const MINUTE = 60_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hydra-analyze-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `n` one-minute rows of a noisy daily cycle, as `YYYY-MM-DD HH:MM:SS,value` lines. */
function rows(n: number, spikeAt = -1): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const t = new Date(START + i * MINUTE).toISOString().replace('T', ' ').slice(0, 19);
    const v = 100 + 20 * Math.sin((2 * Math.PI * i) / 1440) + 3 * Math.sin(i * 7.3) + (i === spikeAt ? 60 : 0);
    out.push(`${t},${v.toFixed(3)}`);
  }
  return out;
}

async function analyze(name: string, lines: string[], ...extra: string[]): Promise<{ code: number; out: string[][] }> {
  const input = join(dir, `${name}.csv`);
  const output = join(dir, `${name}.out.csv`);
  await writeFile(input, `${lines.join('\n')}\n`);
  const code = await run(['--input', input, '--output', output, ...extra]);
  const text = await readFile(output, 'utf8');
  return {
    code,
    out: text
      .trimEnd()
      .split('\n')
      .map((l) => l.split(',')),
  };
}

describe('hydra analyze', () => {
  it('writes one row per input row in input order, with a high score on a planted spike', async () => {
    const { code, out } = await analyze('basic', ['timestamp,value', ...rows(3000, 2500)]);
    expect(code).toBe(0);
    expect(out[0]?.join(',')).toBe(HEADER);
    expect(out).toHaveLength(3001);
    const spike = out[2501] as string[];
    expect(Number(spike[2])).toBeGreaterThan(0.9);
    expect(Number(spike[4])).toBeLessThan(Number(spike[3]));
    expect(Number(spike[5])).toBeGreaterThan(Number(spike[3]));
    const scores = out.slice(1).map((r) => Number(r[2]));
    expect(scores.filter((s) => s > 0.5).length).toBeLessThan(30);
  });

  it('scores unsorted rows in time order and writes them in input order', async () => {
    const sorted = rows(2000, 1800);
    const shuffled = [...sorted].reverse();
    const a = await analyze('sorted', ['timestamp,value', ...sorted]);
    const b = await analyze('unsorted', ['timestamp,value', ...shuffled]);
    expect(b.out.slice(1).map((r) => r[0])).toEqual(shuffled.map((l) => l.split(',')[0]));
    expect(b.out.slice(1).reverse()).toEqual(a.out.slice(1));
  });

  it('keeps the last row of a duplicate timestamp; the earlier one gets an empty score', async () => {
    const lines = rows(500);
    const duplicate = `${(lines[300] as string).split(',')[0]},12345`;
    const { out } = await analyze('duplicates', [
      'timestamp,value',
      ...lines.slice(0, 301),
      duplicate,
      ...lines.slice(301),
    ]);
    expect(out).toHaveLength(502);
    expect(out[301]?.[2]).toBe('');
    expect(Number(out[302]?.[2])).toBeGreaterThan(0.9);
    expect(out[301]?.slice(3)).toEqual(out[302]?.slice(3));
  });

  it('keeps NaN and empty values with an empty score', async () => {
    const lines = rows(400);
    lines[200] = `${(lines[200] as string).split(',')[0]},NaN`;
    lines[201] = `${(lines[201] as string).split(',')[0]},`;
    const { out } = await analyze('nan', ['timestamp,value', ...lines]);
    expect(out[201]?.slice(0, 3)).toEqual([lines[200]?.split(',')[0], 'NaN', '']);
    expect(out[202]?.[2]).toBe('');
    expect(out[203]?.[2]).not.toBe('');
  });

  it('handles gaps, constant values, epoch and ISO timestamps', async () => {
    const lines = ['timestamp,value'];
    for (let i = 0; i < 300; i++) if (i < 100 || i > 180) lines.push(`${(START + i * MINUTE) / 1000},7`);
    const epoch = await analyze('constant', lines);
    expect(epoch.out.slice(1).every((r) => r[2] === '0')).toBe(true);
    const iso = await analyze('iso', ['timestamp,value', ...rows(200).map((l) => l.replace(' ', 'T') + '')]);
    expect(iso.out).toHaveLength(201);
  });

  it('refuses malformed rows naming their lines, or skips them with --skip-invalid', async () => {
    const lines = ['timestamp,value', ...rows(100)];
    lines[10] = 'yesterday,5';
    lines[20] = `${(lines[20] as string).split(',')[0]},abc`;
    const input = join(dir, 'malformed.csv');
    await writeFile(input, lines.join('\n'));
    const failure = run(['--input', input, '--output', join(dir, 'malformed.out.csv')]);
    await expect(failure).rejects.toThrow(CsvSeriesError);
    await expect(run(['--input', input, '--output', join(dir, 'x.csv')])).rejects.toThrow(
      /line 11: timestamp 'yesterday' is not[\s\S]*line 21: value 'abc' is not a finite number/,
    );
    const { out } = await analyze('skipped', lines, '--skip-invalid');
    expect(out).toHaveLength(99);
  });

  it('refuses a file without the timestamp and value columns, and bad options', async () => {
    const input = join(dir, 'header.csv');
    await writeFile(input, 'time,val\n1,2\n');
    await expect(run(['--input', input, '--output', join(dir, 'h.csv')])).rejects.toThrow(
      /line 1: header must name the columns 'timestamp' and 'value'/,
    );
    await expect(run(['--input', input, '--output', 'x', '--detector', 'nope'])).rejects.toThrow(
      /unknown detector 'nope'/,
    );
    await expect(run(['--input', input, '--output', 'x', '--sensitivity', '2'])).rejects.toThrow(/--sensitivity/);
    await expect(run(['--output', 'x'])).rejects.toThrow(/--input is required/);
  });

  it('honours --detector and --direction', async () => {
    const { out } = await analyze(
      'direction',
      ['timestamp,value', ...rows(3000, 2500)],
      '--detector',
      'seasonal',
      '--direction',
      'below',
    );
    expect(Number(out[2501]?.[2])).toBe(0);
  });

  it('scores 25,000 rows through the hydra bin', async () => {
    const input = join(dir, 'big.csv');
    const output = join(dir, 'big.out.csv');
    await writeFile(input, `timestamp,value\n${rows(25_000, 20_000).join('\n')}\n`);
    const started = performance.now();
    const { stderr } = await promisify(execFile)(process.execPath, [
      HYDRA_BIN,
      'analyze',
      '--input',
      input,
      '--output',
      output,
    ]);
    const seconds = (performance.now() - started) / 1000;
    console.log(`hydra analyze, 25,000 rows, including start-up: ${seconds.toFixed(2)} s; ${stderr.trim()}`);
    const out = (await readFile(output, 'utf8')).trimEnd().split('\n');
    expect(out).toHaveLength(25_001);
    expect(Number(out[20_001]?.split(',')[2])).toBeGreaterThan(0.9);
  });
});

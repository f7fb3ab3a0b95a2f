/**
 * What a person at a terminal sees when a command goes wrong or runs long. The commands run under a real
 * pseudo-terminal (util-linux `script`), so stderr.isTTY is true exactly as in an interactive shell; the same
 * failures through a pipe (a service, a CronJob) stay JSON log lines with the stack.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HYDRA_BIN, REPO_ROOT } from './helpers.ts';

const run = promisify(execFile);
const TIMEOUT_MS = 60_000;

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hydra-terminal-'));
  await writeFile(path.join(dir, 'no-header.csv'), '2026-01-01 00:00:00,1\n2026-01-01 00:01:00,2\n');
  const rows = ['series,timestamp,value'];
  for (const s of ['a', 'b', 'c', 'd', 'e', 'f']) for (let t = 0; t < 60; t++) rows.push(`${s},${t},${t % 7}`);
  await writeFile(path.join(dir, 'long.csv'), `${rows.join('\n')}\n`);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** The environment of a person's shell: no log format chosen. */
function shellEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm' };
  delete env.HYDRA_LOG_FORMAT;
  delete env.HYDRA_LOG_LEVEL;
  return env;
}

/** `hydra …args` on a pseudo-terminal: what the terminal showed (\r\n made \n) and the exit code. */
async function onTerminal(args: string[]): Promise<{ screen: string; code: number }> {
  const command = [process.execPath, HYDRA_BIN, ...args].map(shellQuote).join(' ');
  try {
    const { stdout } = await run('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
      cwd: dir,
      env: shellEnv(),
      timeout: TIMEOUT_MS,
    });
    return { screen: stdout.replaceAll('\r\n', '\n'), code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; code?: number };
    if (typeof e.code !== 'number') throw err;
    return { screen: (e.stdout ?? '').replaceAll('\r\n', '\n'), code: e.code };
  }
}

/** `hydra …args` with stdout and stderr on pipes (no terminal). */
async function onPipes(args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [HYDRA_BIN, ...args],
      { cwd: dir, env: shellEnv(), timeout: TIMEOUT_MS },
      (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? Number(err.code) : 0 }),
    );
    child.stdin!.end(input ?? '');
  });
}

describe('a mistake at a terminal is one plain sentence and exit code 1', () => {
  it('a missing input file names the file', async () => {
    const { screen, code } = await onTerminal(['analyze', '--input', 'missing.csv', '--output', 'out.csv']);
    expect(code).toBe(1);
    expect(screen.trim()).toBe('hydra analyze: missing.csv: no such file');
  });

  it('a CSV without a header names the file, the line and what the header lacks', async () => {
    const { screen, code } = await onTerminal(['forecast', '-i', 'no-header.csv', '-o', 'out.csv', '-H', '3']);
    expect(code).toBe(1);
    expect(screen.trim()).toMatch(
      /^hydra forecast: no-header\.csv: line 1: the header must have the columns series,timestamp,value; missing series, timestamp, value \(got '2026-01-01 00:00:00,1'\)$/,
    );
  });

  it('an unknown monitor names the monitors file and the monitors it holds', async () => {
    const file = path.join(REPO_ROOT, 'hydra.yaml');
    const { screen, code } = await onTerminal(['job', 'anomaly', '--monitor', 'nope', '--file', file]);
    expect(code).toBe(1);
    const lines = screen.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^hydra job: ${file}: no monitor 'nope' \\(known: default/demo-cpu, `));
  });

  it('a missing monitors file says so in words', async () => {
    const { screen, code } = await onTerminal(['job', 'anomaly', '--monitor', 'x', '--file', 'nowhere.yaml']);
    expect(code).toBe(1);
    expect(screen.trim()).toBe('hydra job: nowhere.yaml: cannot read the monitors file: no such file');
  });
});

describe('the same failure without a terminal is a JSON log line', () => {
  it('is one fatal line with the error and its stack (what a log stack parses)', async () => {
    const { stdout, stderr, code } = await onPipes(['analyze', '--input', 'missing.csv', '--output', 'out.csv']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as { level: string; msg: string; err: { stack: string } };
    expect(line.level).toBe('fatal');
    expect(line.msg).toBe('hydra analyze: missing.csv: no such file');
    expect(line.err.stack).toContain('InputFileError');
  });
});

describe('the command line', () => {
  it('--version prints the version', async () => {
    const pkg = JSON.parse(await readFile(path.join(REPO_ROOT, 'cli', 'package.json'), 'utf8')) as { version: string };
    const { screen, code } = await onTerminal(['--version']);
    expect(code).toBe(0);
    expect(screen.trim()).toBe(`hydra ${pkg.version}`);
  });

  it('--help lists both analysis job kinds', async () => {
    const { screen } = await onTerminal(['--help']);
    expect(screen).toMatch(/^ {2}job +run one pass of a monitor's anomaly or forecast job/m);
  });

  it('--input - reads standard input', async () => {
    const csv = ['timestamp,value', ...Array.from({ length: 50 }, (_, i) => `${1_700_000_000 + 60 * i},${i % 5}`)];
    const { stderr, code } = await onPipes(
      ['analyze', '--input', '-', '--output', 'from-stdin.csv', '--detector', 'zscore'],
      `${csv.join('\n')}\n`,
    );
    expect(stderr).toContain('hydra analyze: 50 rows scored');
    expect(code).toBe(0);
    const out = (await readFile(path.join(dir, 'from-stdin.csv'), 'utf8')).trim().split('\n');
    expect(out).toHaveLength(51);
  });

  it('forecast shows a progress bar on a terminal', async () => {
    const { screen, code } = await onTerminal([
      'forecast',
      '-i',
      'long.csv',
      '-o',
      'f.csv',
      '-H',
      '5',
      '--workers',
      '1',
    ]);
    expect(code, screen).toBe(0);
    expect(screen).toMatch(/forecasting \[[█░]+\] 100% \| 6 of 6 series/);
  });
});

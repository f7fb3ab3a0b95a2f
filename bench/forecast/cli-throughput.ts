/**
 * Times `npx hydra forecast` on 400 generated hourly series × 900 points, horizon 48, from the
 * repository root, as a user would run it: `npx tsx bench/forecast/cli-throughput.ts`. Writes
 * bench/forecast/cli-results.json, which run.ts includes in bench/README.md.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const SERIES = 400;
const POINTS = 900;
const HORIZON = 48;
const RESULTS_FILE = new URL('./cli-results.json', import.meta.url);
const ROOT = new URL('../..', import.meta.url).pathname;
const run = promisify(execFile);

const dir = await mkdtemp(join(tmpdir(), 'hydra-forecast-bench-'));
try {
  const input = join(dir, 'in.csv');
  await run('npx', ['tsx', 'bench/forecast/make-csv.ts', input, String(SERIES), String(POINTS)], { cwd: ROOT });
  const load = loadavg()[0] ?? 0;
  const started = performance.now();
  const { stderr } = await run(
    'npx',
    ['hydra', 'forecast', '--input', input, '--horizon', String(HORIZON), '--output', join(dir, 'out.csv')],
    { cwd: ROOT },
  );
  const wallSeconds = (performance.now() - started) / 1000;
  const match = /in ([\d.]+) s \(CPU ([\d.]+) s\) on (\d+) worker/.exec(stderr);
  if (!match) throw new Error(`unexpected hydra forecast output: ${stderr}`);
  const result = {
    date: new Date().toISOString().slice(0, 10),
    machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    series: SERIES,
    points: POINTS,
    horizon: HORIZON,
    wallSecondsIncludingStartup: wallSeconds,
    commandSeconds: Number(match[1]),
    cpuSeconds: Number(match[2]),
    workers: Number(match[3]),
    loadAverageBefore: load,
    summary: stderr
      .split('\n')
      .filter((line) => !line.startsWith('forecasting: ')) // progress lines
      .join('\n')
      .trim(),
  };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
} finally {
  await rm(dir, { recursive: true, force: true });
}

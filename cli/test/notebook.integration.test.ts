/**
 * docs/Forecasting_demo.ipynb runs against a real `hydra up`: a fresh data
 * directory (or a fresh PostgreSQL database when HYDRA_TEST_DATABASE_URL is
 * set) and free ports; once `hydra up`'s own first forecast pass has stored
 * the demo disk's forecast, the notebook is executed with Debian's Jupyter
 * (`python3 -m nbconvert --execute`, HYDRA_URL pointing at the API) and must
 * finish without an error cell, with its plot and time-to-threshold table.
 *
 * Needs the apt packages python3-nbconvert, python3-nbclient, python3-ipykernel,
 * python3-matplotlib and python3-requests (HYDRA_JUPYTER_PYTHON picks the
 * interpreter, default /usr/bin/python3).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openTestDatabase, testBackends, type TestDatabase } from '@hydra/storage/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { JUPYTER_PYTHON as PYTHON } from '../../testing/tools.ts';
import { REPO_ROOT, spawnHydraUp, waitFor, type HydraProcess } from './helpers.ts';

const NOTEBOOK = path.join(REPO_ROOT, 'docs', 'Forecasting_demo.ipynb');
/** Start-up, seeding, the first maintenance pass and the first forecast pass. */
const FORECAST_TIMEOUT_MS = 150_000;
const NOTEBOOK_TIMEOUT_MS = 120_000;

interface NotebookCell {
  cell_type: string;
  outputs?: Array<{ output_type: string; text?: string | string[]; data?: Record<string, unknown>; ename?: string }>;
}

/** Runs `command args` to completion; resolves with its exit code and output. */
function run(command: string, args: string[], env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${command}: ${err.message} (install python3-nbconvert and friends)`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

// One run is enough: the real PostgreSQL when it is configured, hydra up's embedded one otherwise.
const backend = testBackends().includes('postgres') ? 'postgres' : 'pglite';

describe(`the forecasting notebook against hydra up (${backend})`, () => {
  let dataDir: string | undefined;
  let database: TestDatabase | undefined;
  let up: HydraProcess | undefined;
  afterAll(async () => {
    up?.child.kill('SIGINT');
    if (up) await Promise.race([up.exited, new Promise((r) => setTimeout(r, 15_000))]);
    up?.child.kill('SIGKILL');
    await database?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('executes without an error and shows the forecast, band and time to threshold', { timeout: 420_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'hydra-notebook-'));
    const outDir = await mkdtemp(path.join(tmpdir(), 'hydra-notebook-out-'));
    database = backend === 'postgres' ? await openTestDatabase('postgres') : undefined;
    const hydraUp = await spawnHydraUp({ dataDir, databaseUrl: database?.url, env: { HYDRA_SEED_DAYS: '3' } });
    up = hydraUp.up;
    const { apiUrl } = hydraUp;
    // hydra up's first forecast pass (after the seed) stores the disk forecasts (demo-disk: a 12 h horizon).
    const hydra = up;
    await waitFor(
      "the demo disk's stored forecast",
      async () => {
        const res = await fetch(`${apiUrl}/predictions?name=system.filesystem.utilization&host=web-4&horizon=12h`);
        if (!res.ok) return undefined;
        const body = (await res.json()) as { predictions: Array<{ source: string }> };
        return body.predictions[0]?.source === 'stored' ? true : undefined;
      },
      FORECAST_TIMEOUT_MS,
      1_000,
    ).catch((err: unknown) => {
      const said = hydra
        .output()
        .split('\n')
        .filter((line) => !line.startsWith('{'))
        .join('\n');
      throw new Error(`${(err as Error).message}\nhydra up said (request logs left out):\n${said.slice(-3_000)}`);
    });

    const executed = path.join(outDir, 'executed.ipynb');
    const result = await run(
      PYTHON,
      ['-m', 'nbconvert', '--to', 'notebook', '--execute', NOTEBOOK, '--output', executed],
      { HYDRA_URL: apiUrl, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      NOTEBOOK_TIMEOUT_MS,
    );
    expect(result.code, result.output).toBe(0);
    const cells = (JSON.parse(await readFile(executed, 'utf8')) as { cells: NotebookCell[] }).cells;
    const outputs = cells.flatMap((c) => c.outputs ?? []);
    expect(outputs.filter((o) => o.output_type === 'error')).toEqual([]);
    expect(outputs.some((o) => o.data && 'image/png' in o.data)).toBe(true);
    const text = outputs.map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''))).join('');
    expect(text).toContain('stored by monitor default/demo-disk');
    expect(text).toMatch(/fit quality: holdout MASE \d/);
    expect(text).toMatch(/0\.9 {2}(within_horizon|not_within_horizon|suppressed)/);
    await rm(outDir, { recursive: true, force: true });
  });
});

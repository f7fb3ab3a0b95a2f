/**
 * Shared plumbing of the cli end-to-end tests: a migrated test database with
 * the real ingest pipeline and API, and the `hydra` command as a child process.
 */
import { buildApp } from '@hydra/api';
import { Ingestor } from '@hydra/collector';
import { BatchWriter, Database, SeriesRegistry, migrate, type RangeResult } from '@hydra/storage';
import { openTestDatabase, type TestBackend, type TestDatabase } from '@hydra/storage/testing';
import type { FastifyInstance } from 'fastify';
import { vi } from 'vitest';
import { main } from '../src/main.ts';

export {
  HYDRA_BIN,
  REPO_ROOT,
  spawnHydra,
  spawnHydraUp,
  type HydraProcess,
  type HydraUpPorts,
} from '../../testing/hydra-process.ts';

export interface TestStack {
  testDb: TestDatabase;
  db: Database;
  writer: BatchWriter;
  ingestor: Ingestor;
  app: FastifyInstance;
  /** GET /metrics through app.inject; throws on a non-200 answer */
  queryMetrics(params: Record<string, string | string[]>): Promise<RangeResult>;
  close(): Promise<void>;
}

export async function openTestStack(backend: TestBackend): Promise<TestStack> {
  const testDb = await openTestDatabase(backend);
  const db = await Database.connect({ url: testDb.url, poolSize: 4 });
  await migrate(db);
  const writer = new BatchWriter(db, { flushIntervalMs: 5 });
  writer.start();
  const ingestor = new Ingestor({ registry: new SeriesRegistry(db), writer });
  const app = await buildApp({ db, ingestor, auth: { mode: 'off' } });
  return {
    testDb,
    db,
    writer,
    ingestor,
    app,
    async queryMetrics(params) {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(params)) for (const item of [v].flat()) search.append(k, item);
      const res = await app.inject({ method: 'GET', url: `/metrics?${search}` });
      if (res.statusCode !== 200) throw new Error(`GET /metrics?${search} answered ${res.statusCode}: ${res.body}`);
      return res.json<RangeResult>();
    },
    async close() {
      await app.close();
      await ingestor.shutdown();
      await writer.shutdown();
      await db.close();
      await testDb.close();
    },
  };
}

/** What a `hydra` command run in this process printed, and its exit code. */
export interface HydraRun {
  code: number;
  /** console.log (the command's result) */
  stdout: string;
  /**
   * console.error and what was written to process.stderr (usage errors, bad rows, the fatal log line of a
   * failure); log lines below fatal go to file descriptor 2 directly and are not in it.
   */
  stderr: string;
  /** stdout and stderr in the order they came */
  output: string;
}

/**
 * `hydra …args` through `main`, in this process, with `env` set for the run: what `node cli/bin/hydra.js` runs,
 * without starting Node and loading every module again (a spawn costs seconds of CPU). The tests where the
 * separate process is what is tested (its exit, its signals, its whole stderr) use spawnHydra.
 */
export async function runHydra(args: string[], env: Record<string, string> = {}): Promise<HydraRun> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const out: string[] = [];
  const err: string[] = [];
  const all: string[] = [];
  const print = (to: string[]) => (text: string) => {
    to.push(text);
    all.push(text);
  };
  const spies = [
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => print(out)(`${a.join(' ')}\n`)),
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => print(err)(`${a.join(' ')}\n`)),
    vi
      .spyOn(process.stderr, 'write')
      .mockImplementation((chunk: string | Uint8Array) => (print(err)(Buffer.from(chunk).toString()), true)),
  ];
  // stderr as a child process's pipe: not a terminal, whatever the test runner's is
  const isTTY = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
  Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true, writable: true });
  Object.assign(process.env, env);
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join(''), output: all.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
    if (isTTY) Object.defineProperty(process.stderr, 'isTTY', isTTY);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Polls `probe` every `intervalMs` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
  );
}

/**
 * One process at a time in an embedded data directory: `hydra migrate --status` beside a process that has the
 * directory open is refused with the holder's pid and command, and a lock left by a process that died is taken
 * over (by `hydra migrate --status` through `main` in this process: the refusal needs a second process, the
 * takeover does not).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { lockFileOf, startEmbeddedPostgres } from '@hydra/storage';
import { initialiseDataDir } from '@hydra/storage/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHydra, spawnHydra } from './helpers.ts';
import { logLines } from './log-lines.ts';

const TIMEOUT_MS = 120_000;

describe('the embedded data directory lock', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hydra-lock-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second process and names the one that holds it', { timeout: TIMEOUT_MS }, async () => {
    const pgdata = path.join(dir, 'pgdata');
    await initialiseDataDir(pgdata);
    const holder = await startEmbeddedPostgres({ dataDir: pgdata });
    try {
      const migrate = spawnHydra(['migrate', '--status'], { DATABASE_URL: '', HYDRA_DATA_DIR: dir });
      expect(await migrate.exited, migrate.output()).toBe(1);
      const fatal = logLines(migrate.stderr()).at(-1);
      expect(fatal).toMatchObject({ level: 'fatal', err: { type: 'DataDirLockedError' } });
      expect(fatal!.msg).toMatch(
        new RegExp(
          `^hydra migrate: the data directory ${pgdata} is in use by process ${process.pid} on ${hostname()} ` +
            `\\(.+, since \\d{4}-\\d{2}-\\d{2}T.*\\); stop it, or use another data directory$`,
        ),
      );
    } finally {
      await holder.stop();
    }
    expect(existsSync(lockFileOf(pgdata)), 'the lock is removed on stop').toBe(false);
  });

  it('takes over a lock whose process is gone', { timeout: TIMEOUT_MS }, async () => {
    const pgdata = path.join(dir, 'pgdata');
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    await writeFile(
      lockFileOf(pgdata),
      JSON.stringify({ pid: gone, hostname: hostname(), command: 'hydra up', since: new Date().toISOString() }),
    );
    const migrate = await runHydra(['migrate', '--status'], { DATABASE_URL: '', HYDRA_DATA_DIR: dir });
    expect(migrate.code, migrate.output).toBe(0);
    expect(existsSync(lockFileOf(pgdata)), 'the lock is removed when the command ends').toBe(false);
  });
});

/**
 * One process at a time in an embedded data directory. PGlite keeps the whole database in memory and
 * writes it back to its directory: a second process on the same directory (`hydra migrate --status` beside a
 * running `hydra up`) reads a stale copy and overwrites the other's writes. So the directory is locked by a
 * file beside it, `<dataDir>.lock`, holding who took it (pid, host, command, start time), the way PostgreSQL's
 * postmaster.pid does: written with O_EXCL, removed on stop, and taken over when the process it names is gone.
 *
 * Written by hand: the lock libraries of npm (proper-lockfile, lockfile) keep a lock alive by touching it on a
 * timer and record no holder; a pid checked with signal 0 needs no timer and says who holds the directory.
 */
import { hostname } from 'node:os';
import { open, readFile, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Who holds a data directory. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** the script and its arguments (e.g. `hydra up`) */
  command: string;
  /** ISO 8601 */
  since: string;
}

/** Another live process holds the directory; the message names it. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `the data directory ${dataDir} is in use by process ${holder.pid} on ${holder.hostname} ` +
        `(${holder.command || 'unknown command'}, since ${holder.since}); stop it, or use another data directory`,
    );
  }
}

export interface DataDirLock {
  /** Removes the lock file if it is still this process's; idempotent. */
  release(): Promise<void>;
}

/** The lock file of `dataDir`. */
export function lockFileOf(dataDir: string): string {
  return `${dataDir.replace(/[/\\]+$/, '')}.lock`;
}

function currentHolder(): LockHolder {
  return {
    pid: process.pid,
    hostname: hostname(),
    command: [path.basename(process.argv[1] ?? 'node').replace(/\.[cm]?[jt]s$/, ''), ...process.argv.slice(2)].join(
      ' ',
    ),
    since: new Date().toISOString(),
  };
}

/** Whether the process `holder` names may still run (same host: signal 0; another host: assumed alive). */
function alive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  if (holder.pid === process.pid) return false; // a lock of an earlier life of this pid (a restarted container)
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another user
  }
}

async function readHolder(file: string): Promise<LockHolder | null> {
  try {
    const value = JSON.parse(await readFile(file, 'utf8')) as Partial<LockHolder>;
    return typeof value.pid === 'number' && typeof value.hostname === 'string' ? (value as LockHolder) : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return null; // unreadable or half-written: treated as stale
  }
}

/**
 * Takes the lock of `dataDir` (whose parent must exist).
 * @throws DataDirLockedError when a live process holds it
 */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const file = lockFileOf(dataDir);
  const me = currentHolder();
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(me)}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = await readHolder(file);
      if (holder && alive(holder)) throw new DataDirLockedError(dataDir, holder);
      // stale: its process is gone. Remove it and try once more; a second EEXIST means another process won.
      if (attempt > 0) throw new DataDirLockedError(dataDir, holder ?? { ...me, pid: -1, command: '' });
      await unlink(file).catch(() => undefined);
    }
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      const holder = await readHolder(file);
      if (holder?.pid === me.pid && holder.since === me.since) await unlink(file).catch(() => undefined);
    },
  };
}

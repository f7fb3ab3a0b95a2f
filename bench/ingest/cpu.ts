/**
 * CPU accounting for the ingest benchmark, so that a run on a shared, noisy
 * machine still says where the time went: CPU milliseconds of this process,
 * of the PostgreSQL backends serving a database (read from /proc, so only when
 * the server runs on this host), and of the whole machine (/proc/stat), from
 * which the CPU used by everything else (other users' jobs) follows.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import pg from 'pg';

/** Kernel clock ticks per second (USER_HZ): 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;
const MS_PER_TICK = 1000 / CLOCK_TICKS_PER_SECOND;
/** PostgreSQL 15 backends flush their statistics at most once a second when idle. */
const STATS_FLUSH_WAIT_MS = 1_500;

/** utime + stime of one process in ms, or null when it is gone or not visible. */
function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
  } catch {
    return null;
  }
}

/** Busy and total CPU ms of the whole machine, all cores summed. */
function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) * MS_PER_TICK, total: total * MS_PER_TICK };
}

/** Transactions committed in the database so far (pg_stat_database; flushed by the server within about a second). */
async function committedTransactions(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

async function backendPids(url: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
    );
    return rows.map((r) => r.pid);
  } finally {
    await client.end();
  }
}

export interface CpuReport {
  wallMs: number;
  /** This process (the collector in the end-to-end run, the COPY client in the raw run). */
  selfMs: number;
  /** PostgreSQL backends of the database; null when /proc does not show them (remote server). */
  postgresMs: number | null;
  /** All cores, everything on the machine. */
  machineBusyMs: number;
  machineTotalMs: number;
  loadAverage1mStart: number;
  loadAverage1mEnd: number;
  /** Transactions the database committed meanwhile (approximate: the server flushes its counters lazily). */
  transactions: number;
}

/** Starts measuring; `stop()` returns the CPU spent since, by whom. */
export async function startCpuMeter(databaseUrl: string): Promise<{ stop(): Promise<CpuReport> }> {
  const pidsBefore = await backendPids(databaseUrl);
  const transactionsBefore = await committedTransactions(databaseUrl);
  const pgBefore = new Map(pidsBefore.map((pid) => [pid, processCpuMs(pid)]));
  const machineBefore = machineCpuMs();
  const selfBefore = process.cpuUsage();
  const load = loadavg()[0]!;
  const started = performance.now();
  return {
    async stop(): Promise<CpuReport> {
      const wallMs = performance.now() - started;
      const self = process.cpuUsage(selfBefore);
      const machine = machineCpuMs();
      const pidsAfter = await backendPids(databaseUrl);
      // Read the backends' CPU at once: a connection that ends during the statistics wait below (the pool closing
      // an idle one) would otherwise lose its whole CPU time and void the figure.
      let postgresMs: number | null = 0;
      for (const pid of new Set([...pidsBefore, ...pidsAfter])) {
        const after = processCpuMs(pid);
        if (after === null) {
          if (pidsAfter.includes(pid)) postgresMs = null;
          continue;
        }
        if (postgresMs !== null) postgresMs += after - (pgBefore.get(pid) ?? 0);
      }
      // Let the backends flush their statistics before the counter is read.
      await new Promise((resolve) => setTimeout(resolve, STATS_FLUSH_WAIT_MS));
      const transactions = (await committedTransactions(databaseUrl)) - transactionsBefore;
      return {
        wallMs,
        selfMs: (self.user + self.system) / 1000,
        postgresMs,
        machineBusyMs: machine.busy - machineBefore.busy,
        machineTotalMs: machine.total - machineBefore.total,
        loadAverage1mStart: load,
        loadAverage1mEnd: loadavg()[0]!,
        transactions,
      };
    },
  };
}

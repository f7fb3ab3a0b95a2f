/**
 * `hydra` as a child process for the tests, benches and the demo video: the one home of spawning the CLI and of
 * starting a whole `hydra up` on free loopback ports (cli/test/helpers.ts re-exports these for the cli tests;
 * dashboard/e2e/hydra-up.ts builds the browser tests' start on spawnHydraUp).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort } from '@hydra/storage';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const HYDRA_BIN = fileURLToPath(new URL('../cli/bin/hydra.js', import.meta.url));

export interface HydraProcess {
  child: ChildProcess;
  /** stdout and stderr as they came */
  output(): string;
  /** stdout alone (the command's result) */
  stdout(): string;
  /** stderr alone (the log lines) */
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) */
  exited: Promise<number | string>;
}

/** Runs `node cli/bin/hydra.js …args` from the repo root with `env` added to this process's environment. */
export function spawnHydra(args: string[], env: Record<string, string>): HydraProcess {
  const child = spawn(process.execPath, [HYDRA_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let std = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    std += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString();
    err += d.toString();
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, output: () => out, stdout: () => std, stderr: () => err, exited };
}

/** The ports of a `hydra up` started by spawnHydraUp. */
export interface HydraUpPorts {
  api: number;
  otlpHttp: number;
  otlpGrpc: number;
  metrics: number;
  dashboard: number;
}

/** Starts of a `hydra up` that lost one of its ports (EADDRINUSE) before it could listen. */
const PORT_RACE_ATTEMPTS = 3;
/** How long spawnHydraUp waits for the API to answer before it hands the process over as it is. */
const UP_HEALTH_WAIT_MS = 120_000;

/**
 * `hydra up` on 127.0.0.1 with every port free, in `dataDir`: the embedded PGlite unless `databaseUrl`, one day
 * of seeded demo history, auth off and info logs unless `env` says otherwise. Returns once its API answers /healthz
 * (or it exited, or UP_HEALTH_WAIT_MS passed). A port is free when freePort finds it, but another process can take it
 * before hydra listens (tests run side by side, and every outgoing connection takes an ephemeral port): a start
 * that exits with EADDRINUSE is retried with new ports, PORT_RACE_ATTEMPTS times at most.
 */
export async function spawnHydraUp(options: {
  dataDir: string;
  databaseUrl?: string | undefined;
  env?: Record<string, string>;
}): Promise<{ up: HydraProcess; ports: HydraUpPorts; apiUrl: string }> {
  for (let attempt = 1; ; attempt++) {
    const ports: HydraUpPorts = {
      api: await freePort(),
      otlpHttp: await freePort(),
      otlpGrpc: await freePort(),
      metrics: await freePort(),
      dashboard: await freePort(),
    };
    const up = spawnHydra(['up'], {
      DATABASE_URL: options.databaseUrl ?? '',
      HYDRA_DATA_DIR: options.dataDir,
      HYDRA_HOST: '127.0.0.1',
      HYDRA_API_PORT: String(ports.api),
      HYDRA_OTLP_HTTP_PORT: String(ports.otlpHttp),
      HYDRA_OTLP_GRPC_PORT: String(ports.otlpGrpc),
      HYDRA_METRICS_PORT: String(ports.metrics),
      HYDRA_DASHBOARD_PORT: String(ports.dashboard),
      HYDRA_SEED_DAYS: '1',
      HYDRA_AUTH: 'off',
      HYDRA_LOG_LEVEL: 'info',
      ...options.env,
    });
    const apiUrl = `http://127.0.0.1:${ports.api}`;
    let exited = false;
    void up.exited.then(() => (exited = true));
    const deadline = Date.now() + UP_HEALTH_WAIT_MS;
    while (!exited && Date.now() < deadline) {
      const healthy = await fetch(`${apiUrl}/healthz`).then(
        (res) => res.ok,
        () => false,
      );
      if (healthy) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    if (exited && attempt < PORT_RACE_ATTEMPTS && up.output().includes('EADDRINUSE')) continue;
    return { up, ports, apiUrl };
  }
}

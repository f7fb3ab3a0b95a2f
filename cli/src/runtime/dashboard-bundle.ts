/**
 * The dashboard's static bundle for `hydra up`: built on demand with Vite
 * when dashboard/dist is missing or older than its sources (a fresh clone
 * has no build output), in a child process so the server's event loop keeps
 * serving, into a temporary directory swapped in when complete (a crashed or
 * concurrent build never leaves a half-written dist/). JS and CSS are also
 * written gzipped, served as-is to browsers that accept gzip.
 */
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Logger } from '@hydra/logging';

/** Longest a build may take before it is killed and reported. */
export const BUILD_TIMEOUT_MS = 180_000;
/** Bytes of the build's output kept for the error message. */
const MAX_BUILD_OUTPUT = 8_192;
/** Files and folders of the dashboard whose changes call for a rebuild. */
const SOURCE_ENTRIES = ['src', 'index.html', 'vite.config.ts', 'package.json'];
/** Written last by a complete build here (a bare `vite build` leaves none, so it is redone with the .gz files). */
const STAMP_FILE = '.hydra-build';
/** Extensions written gzipped next to the original. */
const GZIP_EXTENSIONS = /\.(js|css|html|svg|json)$/;

export interface DashboardBundle {
  /** the built files (index.html + assets/) */
  dir: string;
  /** how it came to be: reused, or built in N ms */
  how: string;
}

/** Where the dashboard workspace is (resolved through node_modules, so it works from any cwd). */
export function dashboardRoot(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('@hydra/dashboard/package.json'));
}

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)));
  return newest;
}

/** True when dist/ holds a complete build of ours that is newer than every source file. */
export async function isBundleFresh(root: string): Promise<boolean> {
  const built = await stat(join(root, 'dist', STAMP_FILE)).catch(() => null);
  if (!built) return false;
  let sources = 0;
  for (const entry of SOURCE_ENTRIES) sources = Math.max(sources, await newestMtime(join(root, entry)));
  return built.mtimeMs >= sources;
}

function runViteBuild(root: string, outDir: string): Promise<void> {
  const require = createRequire(join(root, 'package.json'));
  const vitePkg = require.resolve('vite/package.json');
  const viteBin = join(dirname(vitePkg), 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', '--outDir', outDir, '--logLevel', 'warn'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_ENV: 'production' },
    });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-MAX_BUILD_OUTPUT);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`dashboard: cannot run vite build: ${err.message}`, { cause: err }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `dashboard: vite build ${signal ? `was killed (${signal}) after ${BUILD_TIMEOUT_MS} ms` : `exited ${code}`}: ${output.trim()}`,
          ),
        );
    });
  });
}

async function gzipTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await gzipTree(path);
    else if (GZIP_EXTENSIONS.test(entry.name)) {
      await pipeline(createReadStream(path), createGzip({ level: 9 }), createWriteStream(`${path}.gz`));
    }
  }
}

/**
 * Returns the bundle, building it first when it is missing or stale.
 * `logger` gets one line when a build starts and one when it ends.
 */
export async function ensureDashboardBundle(logger: Logger, root = dashboardRoot()): Promise<DashboardBundle> {
  const dist = join(root, 'dist');
  if (await isBundleFresh(root)) return { dir: dist, how: 'reused the existing build' };
  logger.info('dashboard: building the bundle with vite (dashboard/dist is missing or older than its sources)…');
  const started = Date.now();
  const building = join(root, `dist.building-${process.pid}`);
  await rm(building, { recursive: true, force: true });
  try {
    await mkdir(building, { recursive: true });
    await runViteBuild(root, building);
    await gzipTree(building);
    await writeFile(join(building, STAMP_FILE), `${new Date().toISOString()}\n`);
    const old = join(root, `dist.old-${process.pid}`);
    await rename(dist, old).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    try {
      await rename(building, dist);
    } catch (err) {
      // Another hydra finished its build first and put its dist/ in place: use that one.
      const code = (err as NodeJS.ErrnoException).code;
      if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || !(await isBundleFresh(root))) throw err;
      await rm(building, { recursive: true, force: true });
    }
    await rm(old, { recursive: true, force: true });
  } catch (err) {
    await rm(building, { recursive: true, force: true });
    throw err;
  }
  const ms = Date.now() - started;
  logger.info(`dashboard: bundle built in ${(ms / 1000).toFixed(1)} s`);
  return { dir: dist, how: `built in ${(ms / 1000).toFixed(1)} s` };
}

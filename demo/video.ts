/**
 * `npm run demo:video [-- --out DIR] [--frames DIR] [--only ID,…]`: the demo video from the running system.
 * Starts `hydra up` on a fresh data directory (the dashboard e2e tests' startHydraUp), the Kubernetes test control plane of
 * scripts/testenv.sh (a state directory of its own, stopped at the end) and Debian's Chromium; records the scenes of
 * demo/scenes.ts; synthesises the narration and assembles docs/demo/hydra-demo.mp4 and hydra-demo.vtt
 * (demo/assemble.ts). Needs ffmpeg, espeak-ng, chromium, kubectl, curl and jq (`.ci/run` installs them) and the
 * control plane's binaries (`scripts/testenv.sh build`).
 *
 * `--frames DIR` keeps the recorded frames there (to look at them); `--only fleet,alerts` records only those scenes
 * into `--frames` and assembles nothing (the control plane starts only for the operator scene).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { launchChromium } from '../dashboard/e2e/browser.ts';
import { REPO_ROOT, startHydraUp, type HydraUp } from '../dashboard/e2e/hydra-up.ts';
import { CHROMIUM_INSTALL, CHROMIUM_PATH, INSTALL_HINTS, isExecutable, lookupTool } from '../testing/tools.ts';
import { assemble, FRAME, type Scene } from './assemble.ts';
import * as scenes from './scenes.ts';

const run = promisify(execFile);

/** The demo host whose incidents and disk the video follows (it fills its disk within the day). */
const HOST = 'web-4';
/** The programs the recording drives besides Chromium (testing/tools.ts says how to install each). */
const TOOLS = ['ffmpeg', 'ffprobe', 'espeak-ng', 'kubectl', 'curl', 'jq', 'column'];

/** The scenes in the order the video shows them. */
const STORY = [
  'up',
  'fleet',
  'details',
  'alerts',
  'explorer',
  'otlp',
  'analyze',
  'forecast',
  'prometheus',
  'operator',
  'monitors',
];

const TESTENV = path.join(REPO_ROOT, 'scripts', 'testenv.sh');

/** Starts a control plane of its own and returns its kubeconfig and how to stop it. */
async function startControlPlane(stateDir: string): Promise<{ kubeconfig: string; stop: () => Promise<void> }> {
  const env = { ...process.env, HYDRA_TESTENV_DIR: stateDir };
  const stop = async () => {
    await run(TESTENV, ['stop'], { env }).catch(() => undefined);
  };
  try {
    await run(TESTENV, ['start'], { env, maxBuffer: 16 * 1024 * 1024 });
  } catch (err) {
    await stop();
    const e = err as { stderr?: string; message: string };
    throw new Error(`scripts/testenv.sh start failed (the operator scene needs it): ${e.stderr ?? e.message}`);
  }
  return { kubeconfig: path.join(stateDir, 'kubeconfig'), stop };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: path.join(REPO_ROOT, 'docs', 'demo') },
      frames: { type: 'string' },
      only: { type: 'string' },
    },
  });
  const only = values.only?.split(',').map((id) => id.trim());
  const unknown = only?.filter((id) => !STORY.includes(id)) ?? [];
  if (unknown.length > 0) throw new Error(`--only: no scene ${unknown.join(', ')} (scenes: ${STORY.join(', ')})`);
  if (only && !values.frames) throw new Error('--only records frames without assembling: give --frames DIR');
  const wanted = (id: string) => !only || only.includes(id);
  const missing = TOOLS.filter((tool) => !lookupTool(tool)).map((tool) => `${tool} (${INSTALL_HINTS[tool]})`);
  if (!isExecutable(CHROMIUM_PATH)) missing.push(`Chromium at ${CHROMIUM_PATH} (${CHROMIUM_INSTALL})`);
  if (missing.length > 0) throw new Error(`npm run demo:video needs what this machine lacks: ${missing.join(', ')}`);
  const outDir = path.resolve(values.out!);
  await mkdir(outDir, { recursive: true });
  const work = await mkdtemp(path.join(tmpdir(), 'hydra-demo-video-'));
  const framesDir = values.frames ? path.resolve(values.frames) : path.join(work, 'frames');
  const shellDir = path.join(work, 'shell');
  await Promise.all([mkdir(framesDir, { recursive: true }), mkdir(shellDir, { recursive: true })]);

  const started = Date.now();
  const log = (what: string) => console.log(`demo:video +${Math.round((Date.now() - started) / 1000)} s: ${what}`);
  let up: HydraUp | undefined;
  let controlPlane: Awaited<ReturnType<typeof startControlPlane>> | undefined;
  const browser = await launchChromium();
  try {
    log('starting hydra up, the control plane and Chromium');
    [up, controlPlane] = await Promise.all([
      startHydraUp(),
      wanted('operator') ? startControlPlane(path.join(work, 'testenv')) : undefined,
    ]);
    // the operator harness reads the control plane's kubeconfig from here when imported
    if (controlPlane) process.env.HYDRA_TEST_KUBECONFIG = controlPlane.kubeconfig;
    const page = await browser.newPage({ viewport: FRAME, colorScheme: 'light' });
    const rec: scenes.Recorder = {
      up,
      page,
      dir: framesDir,
      shell: {
        cwd: shellDir,
        env: {
          PATH: `${path.join(REPO_ROOT, 'node_modules', '.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
          REPO: REPO_ROOT,
          API: up.apiUrl,
          METRICS: up.metricsUrl,
          ...(controlPlane ? { KUBECONFIG: controlPlane.kubeconfig } : {}),
        },
      },
    };
    // Recorded in an order that gives the analysis jobs time; shown in the order of the story.
    const recorded = new Map<string, Scene>();
    const record = async (id: string, fn: () => Promise<Scene>) => {
      if (!wanted(id)) return;
      const scene = await fn();
      log(`scene ${scene.id}: ${scene.frames.length} frame(s)`);
      recorded.set(scene.id, scene);
    };
    await record('up', () => scenes.recordUp(rec));
    await record('explorer', () => scenes.recordExplorer(rec));
    await record('otlp', () => scenes.recordOtlp(rec));
    await record('analyze', () => scenes.recordAnalyze(rec, HOST));
    await record('forecast', () => scenes.recordForecast(rec));
    await record('operator', () => scenes.recordOperator(rec));
    await record('details', () => scenes.recordDetails(rec, HOST));
    await record('alerts', () => scenes.recordAlerts(rec));
    await record('fleet', () => scenes.recordFleet(rec));
    await record('prometheus', () => scenes.recordPrometheus(rec));
    await record('monitors', () => scenes.recordMonitors(rec));
    if (only) {
      log(`frames of ${only.join(', ')} in ${framesDir}`);
      return;
    }
    const ordered = STORY.map((id) => {
      const scene = recorded.get(id);
      if (!scene) throw new Error(`scene ${id} was not recorded`);
      return scene;
    });
    await browser.close();
    await up.stop();
    up = undefined;
    log('synthesising the narration and assembling the video');
    const timeline = await assemble(ordered, {
      workDir: work,
      mp4Path: path.join(outDir, 'hydra-demo.mp4'),
      vttPath: path.join(outDir, 'hydra-demo.vtt'),
    });
    log(`wrote ${path.join(outDir, 'hydra-demo.mp4')} (${timeline.total.toFixed(1)} s) and hydra-demo.vtt`);
  } finally {
    await browser.close().catch(() => undefined);
    await up?.stop();
    await controlPlane?.stop();
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});

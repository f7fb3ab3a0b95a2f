/**
 * .github/workflows with actionlint (syntax, expressions, action inputs, and shellcheck on every `run:` script),
 * the delivery's shell scripts with shellcheck, and the workflow set the issue asks for (ci, e2e, release) with
 * their triggers.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { findTool } from '../../testing/tools.ts';
import { REPO_ROOT, runTool } from './tools.ts';

const WORKFLOWS_DIR = path.join(REPO_ROOT, '.github', 'workflows');
const SCRIPTS = ['run_demo.sh', 'deploy/e2e/run.sh'];

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps?: { uses?: string; run?: string }[] }>;
}

async function workflow(name: string): Promise<Workflow> {
  return parse(await readFile(path.join(WORKFLOWS_DIR, name), 'utf8')) as Workflow;
}

describe('GitHub Actions workflows', () => {
  it('pass actionlint', async () => {
    const files = (await readdir(WORKFLOWS_DIR))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => path.join(WORKFLOWS_DIR, f));
    expect(files.length).toBe(3);
    // actionlint runs shellcheck on `run:` blocks only when it finds it: name it, so a missing one fails here.
    const result = await runTool('actionlint', ['-no-color', '-shellcheck', findTool('shellcheck'), ...files]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('run ci on pull requests and pushes, with lint, tests on TimescaleDB, browser, chart and image jobs', async () => {
    const ci = await workflow('ci.yml');
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
    expect(Object.keys(ci.jobs)).toEqual(['lint', 'test', 'browser', 'chart', 'images']);
    const runs = Object.values(ci.jobs)
      .flatMap((j) => j.steps ?? [])
      .map((s) => s.run ?? '');
    for (const command of [
      'npm run lint',
      'npm run typecheck',
      'npm test',
      'npm run test:integration',
      'npm run test:k8s',
      'scripts/testenv.sh start',
    ])
      expect(
        runs.some((r) => r.includes(command)),
        command,
      ).toBe(true);
  });

  it('install the chart on kind in e2e and publish images and the chart on tags in release', async () => {
    const e2e = await workflow('e2e.yml');
    const e2eSteps = Object.values(e2e.jobs).flatMap((j) => j.steps ?? []);
    expect(e2eSteps.some((s) => s.uses?.startsWith('helm/kind-action@'))).toBe(true);
    expect(e2eSteps.some((s) => s.run?.includes('helm install'))).toBe(true);
    const release = await workflow('release.yml');
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } });
    const releaseSteps = Object.values(release.jobs).flatMap((j) => j.steps ?? []);
    expect(releaseSteps.some((s) => s.run?.includes('helm push'))).toBe(true);
  });
});

describe('delivery shell scripts', () => {
  it.each(SCRIPTS)('%s passes shellcheck', async (script) => {
    const result = await runTool('shellcheck', ['--severity=style', path.join(REPO_ROOT, script)]);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

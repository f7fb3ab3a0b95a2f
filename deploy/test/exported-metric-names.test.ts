/**
 * The Grafana dashboards and Prometheus rules shipped with hydra query only metric names hydra exports.
 * The exports go through @opentelemetry/exporter-prometheus, which turns dots into underscores and adds
 * `_total` to counters but appends NO unit suffix: `hydra.api.request.duration` (unit s) is scraped as
 * `hydra_api_request_duration_bucket`, not `…_seconds_bucket`. A panel or rule on a name nobody exports
 * stays empty (or never fires) without any error, so this is checked against the instruments in the source.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR, REPO_ROOT } from './tools.ts';

/** Workspaces whose src/ create hydra's own instruments. */
const SOURCE_DIRS = ['storage', 'collector', 'api', 'analytics', 'cli', 'operator'].map((d) =>
  path.join(REPO_ROOT, d, 'src'),
);
/** Files that query hydra's exports. */
const QUERY_FILES = [
  path.join(CHART_DIR, 'templates', 'prometheusrule.yaml'),
  path.join(REPO_ROOT, 'deploy', 'compose', 'prometheus', 'rules.yml'),
];
const DASHBOARD_DIR = path.join(CHART_DIR, 'dashboards');

const INSTRUMENT =
  /create(Counter|UpDownCounter|Histogram|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)\(\s*'([^']+)'/g;
const QUERIED = /\bhydra_[a-z0-9_]+/g;

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

/** Every sample name the Prometheus exporter can emit for hydra's instruments. */
async function exportedNames(): Promise<Set<string>> {
  const names = new Set<string>();
  for (const dir of SOURCE_DIRS) {
    for (const file of await tsFiles(dir)) {
      for (const [, kind, name] of (await readFile(file, 'utf8')).matchAll(INSTRUMENT)) {
        const base = name!.replace(/[^a-zA-Z0-9_]/g, '_');
        if (kind === 'Counter' || kind === 'ObservableCounter')
          names.add(base.endsWith('_total') ? base : `${base}_total`);
        else if (kind === 'Histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(base + s);
        else names.add(base);
      }
    }
  }
  return names;
}

async function queriedNames(): Promise<Map<string, string>> {
  const files = [...QUERY_FILES];
  for (const f of await readdir(DASHBOARD_DIR)) if (f.endsWith('.json')) files.push(path.join(DASHBOARD_DIR, f));
  const queried = new Map<string, string>();
  for (const file of files) {
    for (const [name] of (await readFile(file, 'utf8')).matchAll(QUERIED)) {
      queried.set(name, path.relative(REPO_ROOT, file));
    }
  }
  return queried;
}

describe('dashboards and alert rules', () => {
  it('query only metric names hydra exports (no unit suffix the exporter does not add)', async () => {
    const exported = await exportedNames();
    const queried = await queriedNames();
    expect(queried.size).toBeGreaterThan(0);
    const missing = [...queried].filter(([name]) => !exported.has(name)).map(([name, file]) => `${file}: ${name}`);
    expect(missing).toEqual([]);
  });
});

/**
 * The Grafana dashboards and Prometheus rules shipped with hydra query only metric names hydra exports.
 * The exports go through @opentelemetry/exporter-prometheus, which turns dots into underscores and adds
 * `_total` to counters but appends NO unit suffix, so a histogram's instrument name carries its unit:
 * `hydra.api.request.duration.seconds` is scraped as `hydra_api_request_duration_seconds_bucket`. A panel or rule on a name nobody exports
 * stays empty (or never fires) without any error, so this is checked against the instruments in the source.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_DIR, REPO_ROOT } from './tools.ts';

/** Workspaces whose src/ create hydra's own instruments. */
const SOURCE_DIRS = ['storage', 'collector', 'analysis', 'api', 'analytics', 'cli', 'operator'].map((d) =>
  path.join(REPO_ROOT, d, 'src'),
);
/** Files that query hydra's exports. */
const QUERY_FILES = [
  // the one rules file (the chart's PrometheusRule and docker compose both load it) and its promtool tests' series
  path.join(CHART_DIR, 'rules', 'hydra.rules.yml'),
  path.join(CHART_DIR, 'rules', 'hydra.rules.test.yml'),
];
const DASHBOARD_DIR = path.join(CHART_DIR, 'dashboards');

/** An instrument created with a literal name, or with a constant (`createHistogram(JOB_DURATION_METRIC, …)`). */
const INSTRUMENT =
  /create(Counter|UpDownCounter|Histogram|Gauge|ObservableGauge|ObservableCounter|ObservableUpDownCounter)\(\s*(?:'([^']+)'|([A-Z][A-Z0-9_]*)\s*[,)])/g;
/** `const NAME = 'hydra.…'` (exported or not): what a constant instrument name stands for. */
const NAME_CONSTANT = /\bconst ([A-Z][A-Z0-9_]*)\s*=\s*'(hydra[._][^']+)'/g;
/**
 * Gauge families a MetricProducer serves (analysis/src/exports: the analysis results), built with
 * `gauge('hydra.…', …)` or `gauge(TABLE[key], …)` where `const TABLE = { key: 'hydra.…', … }`.
 */
const PRODUCED_GAUGE = /\bgauge\(\s*(?:'([^']+)'|([A-Z][A-Z0-9_]*)\[)/g;
const NAME_TABLE = /\bconst ([A-Z][A-Z0-9_]*)\s*=\s*\{([^}]*)\}/g;
/** A metric name; not a glob in prose (`hydra_anomaly_*`), not a label in a matcher (`hydra_component="api"`). */
const QUERIED = /\bhydra_[a-z0-9_]+(?![a-z0-9_*]|\s*!?=)/g;

async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

/** Every sample name the Prometheus exporter can emit for hydra's instruments and produced families. */
async function exportedNames(): Promise<Set<string>> {
  const sources: string[] = [];
  for (const dir of SOURCE_DIRS) for (const file of await tsFiles(dir)) sources.push(await readFile(file, 'utf8'));
  const constants = new Map<string, string>();
  for (const text of sources) for (const [, id, value] of text.matchAll(NAME_CONSTANT)) constants.set(id!, value!);
  const tables = new Map<string, string[]>();
  for (const text of sources) {
    for (const [, id, body] of text.matchAll(NAME_TABLE)) {
      const values = [...body!.matchAll(/:\s*'([^']+)'/g)].map(([, v]) => v!);
      if (values.length > 0 && values.every((v) => v.startsWith('hydra.'))) tables.set(id!, values);
    }
  }
  const names = new Set<string>();
  for (const text of sources) {
    for (const [, literal, table] of text.matchAll(PRODUCED_GAUGE)) {
      const produced = literal !== undefined ? [literal] : tables.get(table!);
      if (produced === undefined)
        throw new Error(`gauge named from ${table}, not a table of hydra names in the source`);
      for (const name of produced) names.add(name.replace(/[^a-zA-Z0-9_]/g, '_'));
    }
    for (const [, kind, literal, constant] of text.matchAll(INSTRUMENT)) {
      const name = literal ?? constants.get(constant!);
      if (name === undefined) throw new Error(`instrument named by ${constant}, a constant not found in the source`);
      const base = name.replace(/[^a-zA-Z0-9_]/g, '_');
      if (kind === 'Counter' || kind === 'ObservableCounter')
        names.add(base.endsWith('_total') ? base : `${base}_total`);
      else if (kind === 'Histogram') for (const s of ['_bucket', '_count', '_sum']) names.add(base + s);
      else names.add(base);
    }
  }
  return names;
}

/** Every queried name with the files that name it. */
async function queriedNames(): Promise<Map<string, Set<string>>> {
  const files = [...QUERY_FILES];
  for (const f of await readdir(DASHBOARD_DIR)) if (f.endsWith('.json')) files.push(path.join(DASHBOARD_DIR, f));
  const queried = new Map<string, Set<string>>();
  for (const file of files) {
    for (const [name] of (await readFile(file, 'utf8')).matchAll(QUERIED)) {
      const where = queried.get(name) ?? new Set<string>();
      where.add(path.relative(REPO_ROOT, file));
      queried.set(name, where);
    }
  }
  return queried;
}

describe('dashboards and alert rules', () => {
  it('query only metric names hydra exports (no unit suffix the exporter does not add)', async () => {
    const exported = await exportedNames();
    const queried = await queriedNames();
    expect(queried.size).toBeGreaterThan(0);
    const missing = [...queried]
      .filter(([name]) => !exported.has(name))
      .flatMap(([name, files]) => [...files].map((file) => `${file}: ${name}`));
    expect(missing).toEqual([]);
  });
});

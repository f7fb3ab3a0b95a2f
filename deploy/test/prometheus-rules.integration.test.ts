/**
 * hydra's Prometheus rules (charts/hydra/rules/hydra.rules.yml), with the real Debian `promtool`: the file passes
 * `promtool check rules`; `promtool test rules` passes on hydra.rules.test.yml, which must hold for EVERY alert a
 * case where it fires (labels and annotations exact) and one where it stays quiet; every alert carries a severity,
 * a summary, a description and a runbook_url to its section of docs/runbooks.md. The chart's PrometheusRule renders
 * exactly the file's groups, and docker compose mounts the same file where its prometheus.yml looks for it
 * (`promtool check config` on that layout).
 */
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEVERITIES } from '@hydra/schema';
import { CHART_DIR, REPO_ROOT, parseRender, renderChart, runTool, runToolOk } from './tools.ts';

const RULES_DIR = path.join(CHART_DIR, 'rules');
const RULES_FILE = path.join(RULES_DIR, 'hydra.rules.yml');
const RULES_TEST_FILE = path.join(RULES_DIR, 'hydra.rules.test.yml');
const RUNBOOKS = path.join(REPO_ROOT, 'docs', 'runbooks.md');
const RUNBOOK_BASE = 'https://github.com/hydra-dev/hydra/blob/main/docs/runbooks.md#';
const COMPOSE_FILE = path.join(REPO_ROOT, 'docker-compose.yml');
const COMPOSE_PROMETHEUS_CONFIG = path.join(REPO_ROOT, 'deploy', 'compose', 'prometheus', 'prometheus.yml');
/** `level:metric:operations`, https://prometheus.io/docs/practices/rules/#naming-and-aggregation */
const RECORDING_RULE_NAME = /^hydra:[a-z0-9_]+:[a-z0-9_]+$/;

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroup {
  name: string;
  rules: Rule[];
}
interface RulesFile {
  groups: RuleGroup[];
}
interface RuleTestFile {
  rule_files: string[];
  tests: {
    name?: string;
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts?: unknown[] | null }[];
  }[];
}

async function readYaml<T>(file: string): Promise<T> {
  return parse(await readFile(file, 'utf8')) as T;
}

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces to dashes. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

let rules: RulesFile;
let alerts: Rule[];

beforeAll(async () => {
  rules = await readYaml<RulesFile>(RULES_FILE);
  alerts = rules.groups.flatMap((g) => g.rules.filter((r) => r.alert !== undefined));
});

describe('charts/hydra/rules/hydra.rules.yml', () => {
  it('passes promtool check rules', async () => {
    const result = await runTool('promtool', ['check', 'rules', RULES_FILE]);
    expect(result.stdout + result.stderr).toContain(
      `SUCCESS: ${rules.groups.reduce((n, g) => n + g.rules.length, 0)} rules found`,
    );
    expect(result.code).toBe(0);
  });

  it('has the alert groups for hydra itself and for its analysis results', () => {
    expect(rules.groups.map((g) => g.name)).toEqual(['hydra.recording', 'hydra.health', 'hydra.analysis']);
    expect(alerts.length).toBeGreaterThanOrEqual(18);
    const names = alerts.map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every alert a severity, a summary, a description and a runbook section that exists', async () => {
    const runbooks = await readFile(RUNBOOKS, 'utf8');
    const anchors = new Set([...runbooks.matchAll(/^#{2,3} (.+)$/gm)].map(([, h]) => anchorOf(h!)));
    const problems: string[] = [];
    for (const a of alerts) {
      const severity = a.labels?.severity ?? '';
      // a templated severity (capped by the series' own) must still only yield the three levels
      const levels = severity.includes('{{') ? [...severity.matchAll(/\}\}(\w+)\{\{/g)].map(([, l]) => l!) : [severity];
      if (levels.length === 0 || !levels.every((l) => (SEVERITIES as readonly string[]).includes(l)))
        problems.push(`${a.alert}: severity ${severity}`);
      if (!a.annotations?.summary) problems.push(`${a.alert}: no summary`);
      if (!a.annotations?.description) problems.push(`${a.alert}: no description`);
      const url = a.annotations?.runbook_url ?? '';
      if (url !== RUNBOOK_BASE + a.alert!.toLowerCase()) problems.push(`${a.alert}: runbook_url ${url}`);
      if (!anchors.has(a.alert!.toLowerCase()))
        problems.push(`${a.alert}: no "## ${a.alert}" section in docs/runbooks.md`);
    }
    expect(problems).toEqual([]);
  });

  it('names recording rules the Prometheus way, and every one serves an alert', () => {
    const records = rules.groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : [])));
    expect(records.length).toBeGreaterThan(0);
    for (const name of records) expect(name).toMatch(RECORDING_RULE_NAME);
    const exprs = alerts.map((a) => a.expr).join('\n');
    expect(records.filter((r) => !exprs.includes(r))).toEqual([]);
  });
});

describe('promtool test rules', () => {
  it('passes hydra.rules.test.yml', async () => {
    const result = await runTool('promtool', ['test', 'rules', RULES_TEST_FILE]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });

  it('has, for every alert, a case where it fires and one where it stays quiet (and no unknown alert names)', async () => {
    const tests = await readYaml<RuleTestFile>(RULES_TEST_FILE);
    expect(tests.rule_files).toEqual(['hydra.rules.yml']);
    const cases = tests.tests.flatMap((t) => t.alert_rule_test ?? []);
    const known = new Set(alerts.map((a) => a.alert));
    expect(cases.map((c) => c.alertname).filter((n) => !known.has(n))).toEqual([]);
    const fires = new Set(cases.filter((c) => (c.exp_alerts ?? []).length > 0).map((c) => c.alertname));
    const quiet = new Set(cases.filter((c) => (c.exp_alerts ?? []).length === 0).map((c) => c.alertname));
    expect(alerts.filter((a) => !fires.has(a.alert!)).map((a) => `${a.alert} never fires in a test`)).toEqual([]);
    expect(alerts.filter((a) => !quiet.has(a.alert!)).map((a) => `${a.alert} has no quiet case`)).toEqual([]);
  });

  it('fails when a rule no longer does what its test says (the harness can fail)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'hydra-rules-'));
    try {
      const text = await readFile(RULES_FILE, 'utf8');
      const broken = text.replace('(hydra_anomaly_score) > 0.8', '(hydra_anomaly_score) > 0.95');
      expect(broken).not.toBe(text);
      await writeFile(path.join(dir, 'hydra.rules.yml'), broken);
      await copyFile(RULES_TEST_FILE, path.join(dir, 'hydra.rules.test.yml'));
      const result = await runTool('promtool', ['test', 'rules', path.join(dir, 'hydra.rules.test.yml')]);
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/FAILED[\s\S]*alertname: HydraAnomalySustained/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the chart PrometheusRule', () => {
  it.each([
    ['hydra', 'hydra'],
    ['prod', 'monitoring'],
  ])('renders exactly the groups of the rules file (release %s in %s)', async (release, namespace) => {
    const render = await runToolOk('helm', [
      'template',
      release,
      CHART_DIR,
      '--namespace',
      namespace,
      '--kube-version',
      '1.34.4',
      '--set',
      'prometheusRule.enabled=true',
    ]);
    const objects = parseRender(render).filter((o) => o.kind === 'PrometheusRule');
    expect(objects).toHaveLength(1);
    expect(objects[0]!.metadata.namespace).toBe(namespace);
    expect(objects[0]!.spec).toEqual({ groups: rules.groups });
  });

  it('is in the observability render, with its labels for the Prometheus Operator selector', async () => {
    const rule = parseRender(await renderChart('observability')).find((o) => o.kind === 'PrometheusRule');
    expect(rule?.metadata.labels?.release).toBe('kube-prometheus-stack');
    expect(rule?.spec).toEqual({ groups: rules.groups });
  });

  it('is absent by default', async () => {
    expect(parseRender(await renderChart('default')).filter((o) => o.kind === 'PrometheusRule')).toEqual([]);
  });
});

describe('docker compose Prometheus', () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('mounts the same rules file where prometheus.yml loads it, and the config passes promtool check config', async () => {
    const compose = await readYaml<{
      services: Record<string, { volumes?: string[]; configs?: Array<{ source: string; target: string }> }>;
      configs?: Record<string, { content?: string }>;
    }>(COMPOSE_FILE);
    const mounts = new Map(
      (compose.services.prometheus?.volumes ?? [])
        .filter((v) => v.startsWith('./'))
        .map((v) => {
          const [source, target] = v.split(':');
          return [target!, path.resolve(REPO_ROOT, source!)] as const;
        }),
    );
    const configTarget = [...mounts].find(([, source]) => source === COMPOSE_PROMETHEUS_CONFIG)?.[0];
    expect(configTarget, 'prometheus.yml is mounted').toBeDefined();
    const config = await readYaml<{ rule_files: string[] }>(COMPOSE_PROMETHEUS_CONFIG);
    expect(config.rule_files).toHaveLength(1);
    const rulesTarget = path.posix.resolve(path.posix.dirname(configTarget!), config.rule_files[0]!);
    expect(mounts.get(rulesTarget)).toBe(RULES_FILE);

    // the container's layout, offline: the config and the rules file side by side
    dir = await mkdtemp(path.join(tmpdir(), 'hydra-compose-prometheus-'));
    await copyFile(COMPOSE_PROMETHEUS_CONFIG, path.join(dir, path.posix.basename(configTarget!)));
    await copyFile(RULES_FILE, path.join(dir, path.posix.relative(path.posix.dirname(configTarget!), rulesTarget)));
    // the compose configs Prometheus gets (the scrape token file), where they land beside the config
    for (const { source, target } of compose.services.prometheus?.configs ?? []) {
      expect(path.posix.dirname(target), `config ${source} lands beside prometheus.yml`).toBe(
        path.posix.dirname(configTarget!),
      );
      await writeFile(path.join(dir, path.posix.basename(target)), compose.configs?.[source]?.content ?? '');
    }
    const result = await runTool('promtool', ['check', 'config', path.join(dir, path.posix.basename(configTarget!))]);
    expect(result.stdout + result.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(result.code, result.stdout + result.stderr).toBe(0);
  });
});

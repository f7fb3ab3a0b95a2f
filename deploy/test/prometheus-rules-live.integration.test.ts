/**
 * hydra's rules on a real Prometheus (Debian's 2.42) against a live `hydra up` (cli/test/prometheus-fixture.ts):
 * the rules file loads, every rule evaluates without error on hydra's real exposition (a many-to-many match or a
 * bad label only shows at evaluation), no health alert is active on a healthy hydra, the ingest recording rule has
 * the demo's rate, and the analysis alerts' templates expand on the real label sets: a probe copy of the analysis
 * group (thresholds that every series passes, no `for`) must give each anomaly alert the observed, expected and band
 * values of its own series (not "n/a") and each threshold alert (demo-disk gets two thresholds every disk is past) a severity
 * capped by its threshold's.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import {
  DEFAULT_READY_QUERIES,
  promQuery,
  SCRAPE_JOB,
  startHydraWithPrometheus,
  type HydraWithPrometheus,
} from '../../cli/test/prometheus-fixture.ts';
import { CHART_DIR } from './tools.ts';

const RULES_FILE = path.join(CHART_DIR, 'rules', 'hydra.rules.yml');
/** The fixture's scrape job: `hydra`, the README's name for `hydra up` (HydraAPIDown knows an API job by its
 * target_info, not its name). */
const JOB = SCRAPE_JOB;
const PROBE_SUFFIX = 'Probe';
const POLL_MS = 500;
const SETTLE_TIMEOUT_MS = 60_000;

interface Rule {
  alert?: string;
  record?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RulesFile {
  groups: { name: string; rules: Rule[] }[];
}
interface RuleState {
  name: string;
  type: 'alerting' | 'recording';
  health: string;
  lastError?: string;
  lastEvaluation: string;
}
interface ActiveAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

/** The analysis group with thresholds every series passes and no `for`, alerts renamed …Probe. */
function probeGroup(rules: RulesFile): RulesFile['groups'][number] {
  const analysis = rules.groups.find((g) => g.name === 'hydra.analysis');
  if (!analysis) throw new Error('hydra.rules.yml has no hydra.analysis group');
  // the rule's own expression with its final comparison (`> 0.8`, `< 6 * 3600`) replaced by one every value passes
  const probe = (expr: string): string => {
    const probed = expr.trim().replace(/\s*[<>]=?\s*[\d.\s*]+$/, ' >= 0');
    if (probed === expr.trim()) throw new Error(`no probe for ${expr}`);
    return probed;
  };
  return {
    name: 'hydra.analysis.probe',
    rules: analysis.rules.map((r) => ({ ...r, alert: `${r.alert}${PROBE_SUFFIX}`, expr: probe(r.expr), for: '0s' })),
  };
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? res.status}`);
  return body.data;
}

describe('hydra.rules.yml on a real Prometheus scraping hydra up', () => {
  let h: HydraWithPrometheus;
  let url: string;
  let rules: RulesFile;

  const ruleStates = async (): Promise<RuleState[]> =>
    (await getJson<{ groups: { rules: RuleState[] }[] }>(`${url}/api/v1/rules`)).groups.flatMap((g) => g.rules);
  const activeAlerts = async (): Promise<ActiveAlert[]> =>
    (await getJson<{ alerts: ActiveAlert[] }>(`${url}/api/v1/alerts`)).alerts;

  beforeAll(async () => {
    const text = await readFile(RULES_FILE, 'utf8');
    rules = parse(text) as RulesFile;
    h = await startHydraWithPrometheus({
      // demo-disk thresholds the disks are already past (0 s to go), an info one and a warning one, so both
      // threshold alerts and their severity cap are exercised whatever the seeded day looks like
      diskThresholds: [
        '{ value: 0.01, direction: above, severity: info }',
        '{ value: 0.02, direction: above, severity: warning }',
      ],
      waitFor: [...DEFAULT_READY_QUERIES, 'hydra_forecast_time_to_threshold_seconds{threshold="0.02"}'],
      ruleFiles: { 'hydra.rules.yml': text, 'probe.rules.yml': stringify({ groups: [probeGroup(rules)] }) },
    });
    url = h.prometheusUrl;
    // settled: every rule evaluated after a few scrapes (rates need two samples), the probe alerts active
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      try {
        const [rate, states] = await Promise.all([
          promQuery(url, 'hydra:collector_points_received:rate5m'),
          ruleStates(),
        ]);
        const evaluated = states.every((s) => s.lastEvaluation && !s.lastEvaluation.startsWith('0001'));
        // every probe of the analysis group active (one may be evaluated a tick after another)
        const active = new Set((await activeAlerts()).map((a) => a.labels.alertname));
        const probes = probeGroup(rules).rules.every((r) => active.has(r.alert));
        // the demo exports every few seconds: the rate is 0 until a scrape has seen the counter move
        if (rate.some((r) => Number(r.value[1]) > 0) && evaluated && probes) break;
      } catch {
        // not evaluated yet
      }
      if (Date.now() > deadline) throw new Error(`Prometheus did not settle:\n${h.logs()}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }, 300_000);

  afterAll(async () => {
    await h?.stop();
  }, 60_000);

  it('loads every rule and evaluates each without error', async () => {
    const states = await ruleStates();
    const names = rules.groups.flatMap((g) => g.rules.map((r) => r.alert ?? r.record));
    expect(states.map((s) => s.name)).toEqual(expect.arrayContaining(names));
    expect(states.filter((s) => s.health !== 'ok').map((s) => `${s.name}: ${s.health} ${s.lastError}`)).toEqual([]);
  });

  it('has no health alert active on a healthy hydra up, and the demo ingest rate recorded', async () => {
    const health = new Set(rules.groups.find((g) => g.name === 'hydra.health')!.rules.map((r) => r.alert));
    const active = (await activeAlerts()).filter((a) => health.has(a.labels.alertname));
    expect(active.map((a) => `${a.labels.alertname} ${a.state} ${JSON.stringify(a.labels)}`)).toEqual([]);
    const rate = await promQuery(url, `hydra:collector_points_received:rate5m{job="${JOB}"}`);
    expect(rate).toHaveLength(1);
    expect(Number(rate[0]!.value[1])).toBeGreaterThan(0);
  });

  it('knows hydra up as an API job by the target_info it serves (HydraAPIDown watches it, and it is up)', async () => {
    const rule = rules.groups.flatMap((g) => g.rules).find((r) => r.alert === 'HydraAPIDown')!;
    const [apiJobs, upJobs] = rule.expr.split(/\bunless on \(namespace, job\)/);
    expect(upJobs, rule.expr).toBeDefined();
    expect((await promQuery(url, apiJobs!)).map((r) => r.metric)).toEqual([{ job: JOB }]);
    expect((await promQuery(url, upJobs!)).map((r) => r.metric)).toEqual([{ job: JOB }]);
    expect(await promQuery(url, rule.expr)).toEqual([]);
  });

  it('describes each anomaly with the observed value, expected value and band of its own series', async () => {
    const probes = (await activeAlerts()).filter((a) => a.labels.alertname === `HydraAnomalySustained${PROBE_SUFFIX}`);
    const scores = await promQuery(url, 'hydra_anomaly_score');
    expect(probes.length, `${scores.length} hydra_anomaly_score series now\n${h.logs()}`).toBeGreaterThan(0);
    for (const alert of probes) {
      expect(alert.labels).toMatchObject({
        severity: 'warning',
        job: JOB,
        monitor: expect.any(String),
        monitor_namespace: expect.any(String),
        metric: expect.any(String),
      });
      const description = alert.annotations.description ?? '';
      expect(description, JSON.stringify(alert.labels)).not.toContain('n/a');
      const match = /observed (\S+), expected (\S+) \(band (\S+) to (\S+)\)\.$/.exec(description);
      expect(match, description).not.toBeNull();
      const { alertname: _, severity: __, ...seriesLabels } = alert.labels;
      const selector = Object.entries(seriesLabels)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',');
      const families = ['observed', 'expected', 'lower', 'upper'];
      for (const [i, family] of families.entries()) {
        const series = await promQuery(url, `hydra_anomaly_${family}{${selector}}`);
        expect(series, `${family} of ${selector}`).toHaveLength(1);
        // printed with 4 significant digits
        const [shown, actual] = [Number(match![i + 1]), Number(series[0]!.value[1])];
        expect(Math.abs(shown - actual), `${family}: ${shown} vs ${actual}`).toBeLessThanOrEqual(
          Math.abs(actual) * 1e-3 + 1e-9,
        );
      }
      expect(alert.annotations.summary).toContain(seriesLabels.metric);
    }
  });

  it('gives each forecast threshold alert there is a severity capped by the threshold its series carries', async () => {
    const thresholds = await promQuery(url, 'hydra_forecast_time_to_threshold_seconds');
    const probes = (await activeAlerts()).filter(
      (a) => a.labels.alertname?.startsWith('HydraForecastThreshold') && a.labels.alertname.endsWith(PROBE_SUFFIX),
    );
    // every demo disk is past the two added thresholds (and web-4 may cross the real ones within the horizon)
    expect(thresholds.filter((t) => t.metric.threshold === '0.01')).toHaveLength(4);
    expect(thresholds.filter((t) => t.metric.threshold === '0.02')).toHaveLength(4);
    // one Soon and one Imminent probe per time-to-threshold series
    expect(probes).toHaveLength(2 * thresholds.length);
    for (const alert of probes) {
      const series = thresholds.find((t) =>
        ['monitor', 'monitor_namespace', 'metric', 'threshold', 'direction', 'host_name'].every(
          (k) => t.metric[k] === alert.labels[k],
        ),
      );
      expect(series, JSON.stringify(alert.labels)).toBeDefined();
      const own = series!.metric.severity;
      const capped = alert.labels.alertname!.includes('Imminent') ? 'critical' : 'warning';
      expect(alert.labels.severity).toBe(own === 'info' ? 'info' : capped);
      expect(alert.annotations.description).toContain(`the ${own} threshold ${series!.metric.threshold}`);
    }
  });
});

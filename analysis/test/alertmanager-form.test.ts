/**
 * The Alertmanager form of an alert: endsAt of a firing alert outlives the wait for the next run of the job that
 * evaluates it (4 × max(re-send interval, the job's period), as Prometheus does), a resolved one ends when it was
 * resolved; the period of a cron schedule. The real Alertmanager reads them in alerts-notifiers.integration.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { toAlertmanagerAlert } from '../src/alerts/notifiers/alertmanager.ts';
import type { AlertSnapshot } from '../src/alerts/targets.ts';
import { schedulePeriodMs } from '../src/jobs/scheduler.ts';

const NOW = Date.parse('2026-12-07T10:00:00Z');
const MINUTE = 60_000;

const alert = (over: Partial<AlertSnapshot> = {}): AlertSnapshot => ({
  id: 7,
  fingerprint: 'f',
  kind: 'anomaly',
  monitor: 'default/cpu',
  severity: 'warning',
  state: 'firing',
  labels: { alertname: 'HydraAnomaly', 'host.name': 'web-1' },
  summary: 's',
  explanation: {},
  startsAt: new Date(NOW - 10 * MINUTE).toISOString(),
  firedAt: new Date(NOW - 10 * MINUTE).toISOString(),
  resolvedAt: null,
  ...over,
});

describe('toAlertmanagerAlert', () => {
  const base = {
    nowMs: NOW,
    resendIntervalMs: MINUTE,
    generatorUrl: 'https://hydra.example.com/alerts?id=7&state=all',
  };

  it('keeps a firing alert 4 re-send intervals when nothing evaluates it less often', () => {
    expect(toAlertmanagerAlert(alert(), base).endsAt).toBe(new Date(NOW + 4 * MINUTE).toISOString());
  });

  it("keeps a firing alert 4 periods of the job that evaluates it (a CronJob every 5 min, a forecast's hourly)", () => {
    const every5 = toAlertmanagerAlert(alert(), { ...base, evaluationIntervalMs: 5 * MINUTE });
    expect(every5.endsAt).toBe(new Date(NOW + 20 * MINUTE).toISOString());
    const hourly = toAlertmanagerAlert(alert(), { ...base, evaluationIntervalMs: 60 * MINUTE });
    expect(hourly.endsAt).toBe(new Date(NOW + 4 * 60 * MINUTE).toISOString());
    // a job faster than the re-sends does not shorten it
    const fast = toAlertmanagerAlert(alert(), { ...base, evaluationIntervalMs: 10_000 });
    expect(fast.endsAt).toBe(new Date(NOW + 4 * MINUTE).toISOString());
  });

  it('ends a resolved alert at its resolution and carries the link', () => {
    const resolvedAt = new Date(NOW - MINUTE).toISOString();
    const form = toAlertmanagerAlert(alert({ state: 'resolved', resolvedAt }), {
      ...base,
      evaluationIntervalMs: 60 * MINUTE,
    });
    expect(form.endsAt).toBe(resolvedAt);
    expect(form.generatorURL).toBe(base.generatorUrl);
  });
});

describe('schedulePeriodMs', () => {
  it('is the longest time between two runs', () => {
    expect(schedulePeriodMs('*/5 * * * *')).toBe(5 * MINUTE);
    expect(schedulePeriodMs('@hourly')).toBe(60 * MINUTE);
    expect(schedulePeriodMs('0 * * * *')).toBe(60 * MINUTE);
    expect(schedulePeriodMs('0 9,17 * * *')).toBe(16 * 60 * MINUTE);
  });
});

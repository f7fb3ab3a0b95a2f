import { describe, expect, it } from 'vitest';
import { DEMO_HOSTS, DEMO_SEED, LATENCY_BOUNDS_MS } from '../src/demo/hosts.ts';
import { demoHistory } from '../src/demo/history.ts';
import { INCIDENT_KINDS, incidentsBetween } from '../src/demo/incidents.ts';
import { poissonAt } from '../src/demo/random.ts';
import { hostSignals, standardNormalCdf } from '../src/demo/signals.ts';

const T0 = Date.UTC(2026, 10, 20);
const DAY = 86_400_000;
const web4 = DEMO_HOSTS.find((h) => h.name === 'web-4')!;

describe('demo signal model', () => {
  it('is a pure function of seed, host and time', () => {
    const t = T0 + 12_345_678;
    expect(hostSignals(DEMO_SEED, web4, t)).toEqual(hostSignals(DEMO_SEED, web4, t));
    expect(hostSignals(DEMO_SEED, web4, t).cpuUtilization).not.toBe(hostSignals(DEMO_SEED + 1, web4, t).cpuUtilization);
  });

  it('keeps every gauge in its physical range over three days', () => {
    for (const host of DEMO_HOSTS) {
      for (let t = T0; t < T0 + 3 * DAY; t += 60_000) {
        const s = hostSignals(DEMO_SEED, host, t);
        expect(s.cpuUtilization).toBeGreaterThan(0);
        expect(s.cpuUtilization).toBeLessThanOrEqual(1);
        expect(s.memoryUsageBytes).toBeLessThanOrEqual(host.memoryTotalBytes);
        expect(s.filesystemUtilization).toBeGreaterThanOrEqual(0);
        expect(s.filesystemUtilization).toBeLessThanOrEqual(1);
      }
    }
  });

  it('fills web-4 disk within a day: it climbs for hours, then is cleaned up', () => {
    const samples = Array.from(
      { length: 48 },
      (_, h) => hostSignals(DEMO_SEED, web4, T0 + h * 3_600_000).filesystemUtilization,
    );
    const max = Math.max(...samples);
    const min = Math.min(...samples);
    expect(max).toBeGreaterThan(0.98);
    expect(min).toBeLessThan(0.65);
  });

  it('schedules reproducible incidents of every kind, and they change the signals', () => {
    const incidents = incidentsBetween(DEMO_SEED, T0, T0 + 3 * DAY);
    expect(incidents).toEqual(incidentsBetween(DEMO_SEED, T0, T0 + 3 * DAY));
    expect(incidents.length).toBeGreaterThan(10);
    expect(new Set(incidents.map((i) => i.kind))).toEqual(new Set(Object.keys(INCIDENT_KINDS)));
    const spike = incidents.find((i) => i.kind === 'spike')!;
    const host = DEMO_HOSTS.find((h) => h.name === spike.host)!;
    expect(hostSignals(DEMO_SEED, host, spike.startMs + 60_000).cpuUtilization).toBeGreaterThan(0.85);
    expect(hostSignals(DEMO_SEED, host, spike.startMs + 60_000).incidents).toContainEqual(spike);
  });

  it('draws counts with the mean and variance of a Poisson, small means included', () => {
    // so counts drawn every 5 s (the catch-up after the seed) add up to what a minute's draw gives
    for (const mean of [0.3, 4, 250]) {
      const draws = Array.from({ length: 20_000 }, (_, i) => poissonAt(DEMO_SEED, 'test', i, mean));
      const m = draws.reduce((a, b) => a + b, 0) / draws.length;
      const v = draws.reduce((a, b) => a + (b - m) ** 2, 0) / draws.length;
      expect(Math.abs(m - mean)).toBeLessThan(0.03 * mean);
      expect(Math.abs(v - mean)).toBeLessThan(0.06 * mean);
      expect(draws.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
    }
  });

  it('computes Φ close to reference values', () => {
    expect(standardNormalCdf(0)).toBeCloseTo(0.5, 7);
    expect(standardNormalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(standardNormalCdf(-1)).toBeCloseTo(0.158655254, 6);
  });
});

describe('demo history', () => {
  const chunks = [
    ...demoHistory({ seed: DEMO_SEED, fromMs: T0, toMs: T0 + 6 * 3_600_000, stepMs: 60_000, chunkSteps: 120 }),
  ];

  it('yields every host and metric per chunk at the requested resolution', () => {
    expect(chunks).toHaveLength(3);
    const first = chunks[0]!;
    expect(first).toHaveLength(DEMO_HOSTS.length * 7);
    for (const s of first) {
      const times = [...s.samples, ...s.histograms].map((p) => p.timeUs);
      expect(times).toHaveLength(120);
      expect(times[0]).toBe(T0 * 1000);
      expect(times[1]! - times[0]!).toBe(60_000_000);
    }
  });

  it('accumulates counters and histograms (cumulative, buckets adding up to the count)', () => {
    const series = chunks.flat().filter((s) => s.ref.labels['host.name'] === 'web-1');
    const hist = series
      .filter((s) => s.ref.metric.name === 'http.server.request.duration')
      .flatMap((s) => s.histograms);
    const counts = series
      .filter((s) => s.ref.metric.name === 'http.server.request.duration_count')
      .flatMap((s) => s.samples);
    const errors = series.filter((s) => s.ref.metric.name === 'http.server.errors').flatMap((s) => s.samples);
    expect(hist).toHaveLength(360);
    hist.forEach((h, i) => {
      expect(h.bucketCounts).toHaveLength(LATENCY_BOUNDS_MS.length + 1);
      expect(h.bucketCounts.reduce((a, b) => a + b, 0)).toBe(h.count);
      expect(counts[i]!.value).toBe(h.count);
      expect(h.startTimeUs).toBe(T0 * 1000);
      if (i > 0) {
        expect(h.count).toBeGreaterThanOrEqual(hist[i - 1]!.count);
        expect(errors[i]!.value).toBeGreaterThanOrEqual(errors[i - 1]!.value);
      }
    });
    expect(hist.at(-1)!.count).toBeGreaterThan(10_000);
  });

  it('catches up to the wall clock at the finer step, counters going on from the history (no reset, no gap)', () => {
    const toMs = T0 + 3_600_000;
    // the clock moves on while the first chunks are written (the next chunk goes on to the new time), then stands
    const readings = [toMs + 62_000, toMs + 69_000, toMs + 76_000];
    let clock = readings[0]!;
    const caughtUp = [
      ...demoHistory({
        seed: DEMO_SEED,
        fromMs: T0,
        toMs,
        stepMs: 60_000,
        chunkSteps: 120,
        catchUpStepMs: 5_000,
        now: () => (clock = readings.shift() ?? clock),
      }),
    ];
    const counts = caughtUp
      .flat()
      .filter(
        (s) => s.ref.labels['host.name'] === 'web-1' && s.ref.metric.name === 'http.server.request.duration_count',
      )
      .flatMap((s) => s.samples);
    const times = counts.map((p) => p.timeUs / 1000);
    // 60 points a minute apart, then every 5 s from one step after the last of them up to the clock's last reading
    expect(times.slice(0, 60)).toEqual(Array.from({ length: 60 }, (_, i) => T0 + i * 60_000));
    const tail = times.slice(60);
    expect(tail[0]).toBe(toMs - 60_000 + 5_000);
    tail.forEach((t, i) => i > 0 && expect(t - tail[i - 1]!).toBe(5_000));
    expect(tail.at(-1)).toBe(toMs + 75_000);
    counts.forEach((p, i) => i > 0 && expect(p.value).toBeGreaterThanOrEqual(counts[i - 1]!.value));
    expect(counts.at(-1)!.value).toBeGreaterThan(counts[59]!.value);
  });
});

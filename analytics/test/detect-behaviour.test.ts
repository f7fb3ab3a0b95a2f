/**
 * The default detector on the series shapes that break naive detectors
 * (docs/anomaly-detection.md, "Behaviour"): each shape, the alarms it should
 * and should not give. Series are generated from a seeded source, so every run
 * sees the same data.
 */
import { describe, expect, it } from 'vitest';
import {
  ANOMALY_THRESHOLD,
  DEFAULT_DETECTOR,
  DETECTORS,
  detect,
  valueDomainOf,
  type DetectionResult,
} from '@hydra/analytics';

const STEP_MS = 60_000;
const START = Date.UTC(2026, 0, 5);
const detector = DETECTORS[DEFAULT_DETECTOR]!;

/** A seeded uniform source (Park–Miller) and normal draws from it (Box–Muller). */
function random(seed: number): { uniform: () => number; normal: () => number } {
  let state = seed;
  const uniform = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { uniform, normal };
}

function score(values: ArrayLike<number>, options = {}): DetectionResult {
  const timestamps = Float64Array.from({ length: values.length }, (_, i) => START + i * STEP_MS);
  return detect(detector, { timestamps, values: Float64Array.from(values) }, options);
}

/** Indices of alarmed points (score above the threshold). */
function alarms(r: DetectionResult, from = 0, to = r.score.length): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) if ((r.score[i] as number) > ANOMALY_THRESHOLD) out.push(i);
  return out;
}

describe(`default detector (${DEFAULT_DETECTOR})`, () => {
  it('a flat line with one step: one alarm at the step, then the new level is normal', () => {
    const values = Array.from({ length: 2000 }, (_, i) => (i < 1200 ? 10 : 14));
    const r = score(values);
    expect(alarms(r)).toEqual([1200]);
    expect(Math.max(...r.score.subarray(1201))).toBeLessThan(ANOMALY_THRESHOLD);
  });

  it('a mostly-zero integer counter: a change of one count is not an anomaly, a burst is', () => {
    const { uniform } = random(11);
    const values: number[] = Array.from({ length: 3000 }, () => (uniform() < 0.03 ? 1 : 0));
    values[2500] = 25;
    const r = score(values);
    expect(alarms(r)).toEqual([2500]);
    const firstOne = values.findIndex((v, i) => v === 1 && i > 60);
    expect(r.score[firstOne]).toBeLessThan(ANOMALY_THRESHOLD);
  });

  it('a flat series (MAD = 0) does not score 1 on its first change of one quantum', () => {
    const values = Array.from({ length: 600 }, (_, i) => (i === 400 ? 6 : 5));
    const r = score(values);
    expect(r.score[400]).toBeLessThan(ANOMALY_THRESHOLD);
  });

  it('a sine with noise: almost no alarms (< 0.5 % of points)', () => {
    const { normal } = random(5);
    const values = Array.from(
      { length: 10_080 },
      (_, i) => 50 + 20 * Math.sin((2 * Math.PI * i) / 1440) + 2 * normal(),
    );
    expect(alarms(score(values)).length).toBeLessThan(0.005 * values.length);
  });

  it('a random walk: almost no alarms (< 0.5 % of points)', () => {
    const { normal } = random(7);
    let level = 100;
    const values = Array.from({ length: 10_000 }, () => (level += normal()));
    expect(alarms(score(values)).length).toBeLessThan(0.005 * values.length);
  });

  it('a series noisy by nature (heavy tails) stops alarming: < 0.5 % of points', () => {
    const { normal } = random(13);
    // Student-like tails: a normal over the root of a χ² draw with 3 degrees of freedom.
    const values = Array.from({ length: 10_000 }, () => {
      const chi = (normal() ** 2 + normal() ** 2 + normal() ** 2) / 3;
      return 200 + (10 * normal()) / Math.sqrt(chi);
    });
    expect(alarms(score(values)).length).toBeLessThan(0.005 * values.length);
  });

  it('a level shift in the middle: one alarm, and quiet again within the 256-point residual window', () => {
    const { normal } = random(17);
    const values = Array.from({ length: 4000 }, (_, i) => (i < 2000 ? 100 : 130) + 3 * normal());
    const r = score(values);
    const found = alarms(r, 1500);
    expect(found.length).toBe(1);
    expect(found[0]).toBeGreaterThanOrEqual(2000);
    expect(found[0]).toBeLessThan(2005);
    expect(alarms(r, 2000 + 256)).toEqual([]);
  });
});

describe('bands that respect the metric', () => {
  it('derives the domain from kind and unit', () => {
    expect(valueDomainOf({ kind: 'gauge', unit: '1' })).toEqual({ min: 0, max: 1 });
    expect(valueDomainOf({ kind: 'gauge', unit: '%' })).toEqual({ min: 0, max: 100 });
    expect(valueDomainOf({ kind: 'sum', monotonic: true, unit: '1' })).toEqual({ min: 0 });
    expect(valueDomainOf({ kind: 'sum', monotonic: true, unit: '{error}' })).toEqual({ min: 0 });
    expect(valueDomainOf({ kind: 'gauge', unit: 'By' })).toEqual({ min: 0 });
    expect(valueDomainOf({ kind: 'gauge', unit: 'ms' })).toEqual({ min: 0 });
    expect(valueDomainOf({ kind: 'gauge', unit: '{requests}/s' })).toEqual({ min: 0 });
    expect(valueDomainOf({ kind: 'gauge', unit: 'Cel' })).toBeUndefined();
  });

  it.each(Object.keys(DETECTORS))('%s: a utilization near 0 and 1 keeps its band inside [0, 1]', (name) => {
    const { normal } = random(19);
    const values = Array.from({ length: 2000 }, (_, i) =>
      Math.min(1, Math.max(0, (i < 1000 ? 0.03 : 0.97) + 0.02 * normal())),
    );
    const timestamps = Float64Array.from(values, (_, i) => START + i * STEP_MS);
    const r = detect(
      DETECTORS[name]!,
      { timestamps, values: Float64Array.from(values) },
      { domain: { min: 0, max: 1 } },
    );
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(r.expected[i] as number)) continue;
      expect(r.lower[i]).toBeGreaterThanOrEqual(0);
      expect(r.upper[i]).toBeLessThanOrEqual(1);
    }
  });

  it('refuses a domain with min > max, naming it', () => {
    expect(() => detector.create({ domain: { min: 1, max: 0 } })).toThrow(/domain must have min <= max/);
  });
});

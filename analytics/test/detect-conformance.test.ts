/**
 * One conformance suite over every detector: the contract of detect/types.ts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ANOMALY_THRESHOLD,
  DEFAULT_DETECTOR,
  DETECTORS,
  detect,
  dominantPeriodMs,
  type SeriesInput,
} from '@hydra/analytics';

const STEP_MS = 10 * 60_000; // 10-minute samples: 144 a day
const DAY_POINTS = 144;
const START = Date.UTC(2026, 0, 5);

/** A reproducible noisy daily cycle. */
function dailySeries(n: number, seed = 7): { timestamps: Float64Array; values: Float64Array } {
  let state = seed;
  const uniform = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const timestamps = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    timestamps[i] = START + i * STEP_MS;
    values[i] = 100 + 30 * Math.sin((2 * Math.PI * i) / DAY_POINTS) + 4 * (uniform() + uniform() + uniform() - 1.5);
  }
  return { timestamps, values };
}

function withPoint(base: { timestamps: Float64Array; values: Float64Array }, at: number, delta: number): SeriesInput {
  const values = Float64Array.from(base.values);
  values[at] = (values[at] as number) + delta;
  return { timestamps: base.timestamps, values };
}

const detectors = Object.values(DETECTORS);
const N = 6 * DAY_POINTS;
const SPIKE_AT = 5 * DAY_POINTS + 37;
/** Detectors built for sustained changes only: they are tested with a level shift instead of a spike. */
const SHIFT_ONLY = new Set(['level-shift']);
const SHIFT_POINTS = 20;
/** A shift detector needs a few points of the new level (the median of 5) before it is sure. */
const ALARM_DELAY = (name: string) => (SHIFT_ONLY.has(name) ? 3 : 0);

function planted(
  base: { timestamps: Float64Array; values: Float64Array },
  delta: number,
): { timestamps: Float64Array; values: Float64Array } {
  const values = Float64Array.from(base.values);
  const last = SHIFT_ONLY.has(detectorUnderTest) ? SPIKE_AT + SHIFT_POINTS : SPIKE_AT + 1;
  for (let i = SPIKE_AT; i < last; i++) values[i] = (values[i] as number) + delta;
  return { timestamps: base.timestamps, values };
}
let detectorUnderTest = '';

describe.each(detectors.map((d) => [d.name, d] as const))('detector %s', (_name, detector) => {
  const base = dailySeries(N);
  beforeEach(() => {
    detectorUnderTest = detector.name;
  });

  it('is causal: appending future points never changes earlier outputs', () => {
    const prefix = 4 * DAY_POINTS + 11;
    const short = detect(detector, {
      timestamps: base.timestamps.subarray(0, prefix),
      values: base.values.subarray(0, prefix),
    });
    const full = detect(detector, withPoint(base, prefix + 5, 500));
    for (const key of ['score', 'expected', 'lower', 'upper'] as const) {
      expect(Array.from(full[key].subarray(0, prefix))).toEqual(Array.from(short[key]));
    }
  });

  it('gives scores in [0, 1] and a band around the expected value', () => {
    const r = detect(detector, withPoint(base, SPIKE_AT, 200));
    for (let i = 0; i < N; i++) {
      const s = r.score[i] as number;
      expect(s >= 0 && s <= 1, `score ${s} at ${i}`).toBe(true);
      if (!Number.isNaN(r.expected[i] as number)) {
        expect(r.lower[i] as number).toBeLessThanOrEqual(r.expected[i] as number);
        expect(r.upper[i] as number).toBeGreaterThanOrEqual(r.expected[i] as number);
      }
    }
  });

  it(`scores a planted ${SHIFT_ONLY.has(detector.name) ? 'level shift' : 'spike'} high and ordinary points low`, () => {
    const r = detect(detector, planted(base, 120));
    expect(r.score[SPIKE_AT + ALARM_DELAY(detector.name)]).toBeGreaterThan(ANOMALY_THRESHOLD);
    let alarms = 0;
    for (let i = 0; i < N; i++)
      if ((r.score[i] as number) > ANOMALY_THRESHOLD && (i < SPIKE_AT || i > SPIKE_AT + SHIFT_POINTS)) alarms++;
    expect(alarms).toBeLessThan(N * 0.01);
  });

  it('raises no alarm on a constant series', () => {
    const r = detect(detector, { timestamps: base.timestamps, values: new Float64Array(N).fill(42) });
    expect(Math.max(...r.score)).toBe(0);
  });

  it('scores 0 during warm-up', () => {
    const r = detect(detector, withPoint(base, 20, 500), { warmup: 100 });
    expect(Math.max(...r.score.subarray(0, 100))).toBe(0);
  });

  it('gives a NaN score to a NaN value, learns nothing from it, and survives gaps', () => {
    const series = planted(base, 120);
    const values = Float64Array.from(series.values);
    values[SPIKE_AT - 3] = Number.NaN;
    // A 6-hour outage: 36 points missing on day 4.
    const keep = (_: number, i: number) => i < 4 * DAY_POINTS || i >= 4 * DAY_POINTS + 36;
    const r = detect(detector, { timestamps: series.timestamps.filter(keep), values: values.filter(keep) });
    const at = SPIKE_AT - 36;
    expect(r.score[at - 3]).toBeNaN();
    expect(r.score[at + ALARM_DELAY(detector.name)]).toBeGreaterThan(ANOMALY_THRESHOLD);
    for (let i = 0; i < r.score.length; i++)
      if (i !== at - 3) expect(Number.isFinite(r.score[i]), `score at ${i}`).toBe(true);
  });

  it('honours direction', () => {
    const at = SPIKE_AT + ALARM_DELAY(detector.name);
    const up = planted(base, 200);
    const down = planted(base, -200);
    expect(detect(detector, up, { direction: 'below' }).score[at]).toBeLessThan(0.1);
    expect(detect(detector, up, { direction: 'above' }).score[at]).toBeGreaterThan(ANOMALY_THRESHOLD);
    expect(detect(detector, down, { direction: 'above' }).score[at]).toBeLessThan(0.1);
    expect(detect(detector, down, { direction: 'below' }).score[at]).toBeGreaterThan(ANOMALY_THRESHOLD);
  });

  it('ignores deviations below minDeviation', () => {
    const r = detect(detector, planted(base, 120), { minDeviation: 1000 });
    expect(Math.max(...r.score)).toBe(0);
  });

  it('scores higher with higher sensitivity', () => {
    const series = planted(base, 25);
    const at = SPIKE_AT + ALARM_DELAY(detector.name);
    const low = detect(detector, series, { sensitivity: 'low' }).score[at] as number;
    const high = detect(detector, series, { sensitivity: 'high' }).score[at] as number;
    expect(high).toBeGreaterThanOrEqual(low);
  });

  it('the online form gives the batch result', () => {
    const series = withPoint(base, SPIKE_AT, 120);
    const batch = detect(detector, series);
    const online = detector.create();
    for (let i = 0; i < N; i++) {
      const p = online.push(series.timestamps[i] as number, series.values[i] as number);
      expect(p.score).toBe(batch.score[i]);
    }
  });

  it('refuses decreasing timestamps and bad options, naming them', () => {
    const timestamps = Float64Array.from(base.timestamps);
    timestamps[10] = timestamps[5] as number;
    expect(() => detect(detector, { timestamps, values: base.values })).toThrow(
      /point 10: timestamps must not decrease/,
    );
    expect(() => detector.create({ sensitivity: 2 })).toThrow(/sensitivity must be in \[0, 1\]/);
    expect(() => detector.create({ direction: 'up' as never })).toThrow(/direction must be/);
    expect(() => detector.create({ minDeviation: -1 })).toThrow(/minDeviation/);
    expect(() => detector.create({ warmup: 1.5 })).toThrow(/warmup/);
  });
});

describe('seasonality', () => {
  it('finds the daily period of 10-minute data, and none in noise', () => {
    const { values } = dailySeries(4 * DAY_POINTS);
    expect(dominantPeriodMs(values, STEP_MS)).toBe(86_400_000);
    const noise = values.map(
      (_, i) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453),
    );
    expect(dominantPeriodMs(noise, STEP_MS)).toBe(0);
  });

  it('finds the daily period under a few incidents far larger than the cycle', () => {
    // Three days of a noisy daily cycle with three bursts at ten times its level (error-rate spikes), further apart
    // than the longest lag searched: they dominate the variance of the values (no period), not that of the ranks.
    const { values } = dailySeries(3 * DAY_POINTS);
    const bursts = Float64Array.from(values);
    for (const start of [10, 190, 380]) for (let i = start; i < start + 6; i++) bursts[i] = 1_300;
    expect(dominantPeriodMs(values, STEP_MS)).toBe(86_400_000);
    expect(dominantPeriodMs(bursts, STEP_MS)).toBe(86_400_000);
  });

  it('prefers a longer period only when it has its own shape', () => {
    // Two cycles of 24 and 168 samples (like Yahoo S5 A3), on 1-second timestamps.
    const n = 1680;
    const withWeek = new Float64Array(n);
    const dailyOnly = new Float64Array(n);
    let state = 3;
    for (let i = 0; i < n; i++) {
      state = (state * 48271) % 2147483647;
      const noise = 20 * (state / 2147483647 - 0.5);
      dailyOnly[i] = 500 + 200 * Math.sin((2 * Math.PI * i) / 24) + noise;
      withWeek[i] = (dailyOnly[i] as number) + 80 * Math.sin((2 * Math.PI * i) / 168);
    }
    expect(dominantPeriodMs(withWeek.subarray(0, 400), 1000)).toBe(24_000); // fewer than 2.5 long cycles
    expect(dominantPeriodMs(withWeek, 1000)).toBe(168_000);
    expect(dominantPeriodMs(dailyOnly, 1000)).toBe(24_000);
  });

  it('the seasonal detectors expect the cycle, the rolling ones lag it', () => {
    const base = dailySeries(N);
    const at = 5 * DAY_POINTS + DAY_POINTS / 4; // the daily peak
    const seasonal = detect(DETECTORS.seasonal!, base).expected[at] as number;
    expect(Math.abs(seasonal - 130)).toBeLessThan(5);
  });

  it('the default detector is registered', () => {
    expect(DETECTORS[DEFAULT_DETECTOR]).toBeDefined();
  });
});

/**
 * Detector state (`snapshot` / `restore`): a detector restored from a snapshot scores exactly (bit for bit) what
 * the uninterrupted one scores, the bytes round-trip, and states of another version or detector are refused.
 */
import { describe, expect, it } from 'vitest';
import {
  DETECTOR_STATE_VERSION,
  DETECTORS,
  DetectorStateError,
  detectorStateVersion,
  type DetectorOptions,
  type PointResult,
} from '@hydra/analytics';

const STEP_MS = 10 * 60_000; // 144 a day: the daily period is found within the test's 4.5 days
const DAY_POINTS = 144;
const START = Date.UTC(2026, 0, 5);

/** A noisy daily cycle with an incident, a level shift, missing values, a gap and one late irregular stretch. */
function series(n: number): { t: number[]; v: number[] } {
  let state = 11;
  const uniform = () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
  const t: number[] = [];
  const v: number[] = [];
  let time = START;
  for (let i = 0; i < n; i++) {
    time += i === 300 ? 7 * STEP_MS : i > 550 && i < 600 ? STEP_MS + 1_000 * (i % 3) : STEP_MS;
    let x = 100 + 30 * Math.sin((2 * Math.PI * i) / DAY_POINTS) + 4 * (uniform() + uniform() + uniform() - 1.5);
    if (i >= 400 && i < 408) x += 80;
    if (i >= 500) x += 25;
    if (i % 97 === 13) x = Number.NaN;
    t.push(time);
    v.push(x);
  }
  return { t, v };
}

const snapshotting = Object.values(DETECTORS).filter((d) => d.create().snapshot);
const data = series(650);
const OPTIONS: DetectorOptions = { sensitivity: 'high', domain: { min: 0 } };

function run(d: (typeof snapshotting)[number], from: number, to: number, resumeAt?: number): PointResult[] {
  let online = d.create(OPTIONS);
  const out: PointResult[] = [];
  for (let i = from; i < to; i++) {
    if (i === resumeAt) {
      const state = online.snapshot!();
      online = d.create(OPTIONS);
      online.restore!(state);
    }
    out.push(online.push(data.t[i]!, data.v[i]!));
  }
  return out;
}

describe('detector state', () => {
  it('is offered by the ensemble, seasonal, level-shift, zscore and mad detectors', () => {
    expect(snapshotting.map((d) => d.name).sort()).toEqual(['ensemble', 'level-shift', 'mad', 'seasonal', 'zscore']);
  });

  for (const d of snapshotting) {
    it(`${d.name}: a restored detector scores exactly what the uninterrupted one does`, () => {
      const whole = run(d, 0, data.t.length);
      // before warm-up, right after the first period search, inside the incident, after the gap, in the
      // irregular stretch and after the level shift
      for (const at of [5, 130, 200, 303, 404, 560, 640]) {
        const resumed = run(d, 0, data.t.length, at);
        expect(resumed, `resumed at point ${at}`).toEqual(whole);
      }
      // and restored many times over (a pass per point)
      let online = d.create(OPTIONS);
      const stepwise: PointResult[] = [];
      for (let i = 0; i < data.t.length; i++) {
        stepwise.push(online.push(data.t[i]!, data.v[i]!));
        const next = d.create(OPTIONS);
        next.restore!(online.snapshot!());
        online = next;
      }
      expect(stepwise).toEqual(whole);
    });

    it(`${d.name}: the bytes round-trip and say their version`, () => {
      const online = d.create(OPTIONS);
      for (let i = 0; i < 500; i++) online.push(data.t[i]!, data.v[i]!);
      const state = online.snapshot!();
      const copy = d.create(OPTIONS);
      copy.restore!(state);
      expect(copy.snapshot!()).toEqual(state);
      expect(detectorStateVersion(state)).toBe(DETECTOR_STATE_VERSION);
    });

    it(`${d.name}: refuses a state of another version, another detector, or cut short`, () => {
      const online = d.create(OPTIONS);
      for (let i = 0; i < 50; i++) online.push(data.t[i]!, data.v[i]!);
      const state = online.snapshot!();
      const older = Uint8Array.from(state);
      older[3] = DETECTOR_STATE_VERSION + 1;
      expect(() => d.create(OPTIONS).restore!(older)).toThrow(DetectorStateError);
      expect(() => d.create(OPTIONS).restore!(state.subarray(0, state.length - 3))).toThrow(DetectorStateError);
      const other = snapshotting.find((x) => x.name !== d.name)!.create(OPTIONS);
      expect(() => other.restore!(state)).toThrow(DetectorStateError);
    });
  }

  it('is compact: a day of regular one-minute points fits in ~30 kB (timestamps as one run)', () => {
    const online = DETECTORS.ensemble!.create();
    for (let i = 0; i < 1_440; i++) online.push(START + i * 60_000, 50 + 10 * Math.sin(i / 40) + (i % 7));
    const size = online.snapshot!().length;
    // 1,440 values of history (11.5 kB) + ~1,380 likelihood means (11 kB) + 2 × 256 residuals (4 kB)
    expect(size).toBeLessThan(30_000);
    expect(size).toBeGreaterThan(20_000);
  });

  it('the isolation forest has no snapshot: it is rebuilt by replaying', () => {
    expect(DETECTORS.iforest!.create().snapshot).toBeUndefined();
  });
});

/**
 * The real series of the benchmark: the Cloud Monitoring Dataset (Microsoft service telemetry, MIT licence)
 * in `../shared/data/cloud-monitoring-dataset/` relative to the repository root. Hourly series keep their
 * last `MAX_HOURLY_POINTS` points (the length of typical hourly competition series) and hold out the last 48;
 * `$CLOUD_MONITORING_DATA` may point elsewhere.
 * Per-minute series are averaged to 5-minute steps (what hydra's forecast job reads at this scale) and hold out
 * the last 12 h (144 steps). Expert anomaly labels are kept per held-out step (`anomalous`): the
 * application-crash series end in labelled incidents of 10–100× the usual level, which no forecast can
 * foresee and which would dominate any mean; the benchmark reports errors with and without those steps.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the data set's `data/` folder is: `$CLOUD_MONITORING_DATA`, else beside the repository. */
export const DATA_DIR =
  process.env.CLOUD_MONITORING_DATA ??
  new URL('../../../shared/data/cloud-monitoring-dataset/data/', import.meta.url).pathname;
const HOURLY_HORIZON = 48;
const MINUTE_HOLDOUT_SECONDS = 12 * 3600;
const FIVE_MINUTES = 300;
export const MAX_HOURLY_POINTS = 1008;

/** One benchmark series: history on a regular grid, held-out future, optional anomaly labels (both suites). */
export interface BenchCase {
  name: string;
  /** Sampling interval of the benchmark grid, seconds. */
  intervalSeconds: number;
  history: number[];
  future: number[];
  /** Whether the expert label marks each held-out step (any minute of it) as anomalous. */
  anomalous?: boolean[];
}

export interface RealSeries extends BenchCase {
  anomalous: boolean[];
}

interface Row {
  t: number;
  v: number;
  label: boolean;
}

function parseCsv(file: string): Row[] {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).slice(1);
  const rows: Row[] = [];
  for (const line of lines) {
    if (!line.trim()) continue;
    const [ts, value, label] = line.split(',').map((f) => f.replace(/"/g, '').trim());
    const t = Date.parse(ts!.endsWith('Z') || ts!.includes('T') ? ts! : `${ts!.replace(' ', 'T')}Z`);
    const v = Number(value);
    if (Number.isFinite(t) && Number.isFinite(v)) rows.push({ t, v, label: label === '1' });
  }
  return rows.sort((a, b) => a.t - b.t);
}

/** Averages rows onto a regular grid of `stepSeconds`; empty slots take the previous slot's value. */
function toGrid(rows: Row[], stepSeconds: number): { values: number[]; labels: boolean[] } {
  const step = stepSeconds * 1000;
  const first = Math.floor(rows[0]!.t / step);
  const last = Math.floor(rows[rows.length - 1]!.t / step);
  const sums = new Float64Array(last - first + 1);
  const counts = new Float64Array(last - first + 1);
  const labels = new Array<boolean>(last - first + 1).fill(false);
  for (const r of rows) {
    const i = Math.floor(r.t / step) - first;
    sums[i] = sums[i]! + r.v;
    counts[i] = counts[i]! + 1;
    if (r.label) labels[i] = true;
  }
  const values: number[] = [];
  for (let i = 0; i < sums.length; i++) values.push(counts[i]! > 0 ? sums[i]! / counts[i]! : (values[i - 1] ?? 0));
  return { values, labels };
}

/** Loads every series; returns [] when the data set is not there. */
export function loadRealSeries(): { hourly: RealSeries[]; fiveMinute: RealSeries[] } {
  const hourly: RealSeries[] = [];
  const fiveMinute: RealSeries[] = [];
  if (!existsSync(DATA_DIR)) return { hourly, fiveMinute };
  for (const domain of readdirSync(DATA_DIR).sort()) {
    for (const file of readdirSync(join(DATA_DIR, domain)).sort()) {
      if (!file.endsWith('.csv')) continue;
      const rows = parseCsv(join(DATA_DIR, domain, file));
      if (rows.length < 3) continue;
      const spacing = (rows[rows.length - 1]!.t - rows[0]!.t) / (rows.length - 1) / 1000;
      const name = `${domain}/${file.replace(/\.csv$/, '')}`;
      if (spacing >= 1800) {
        const { values, labels } = toGrid(rows, 3600);
        const grid = values.slice(-MAX_HOURLY_POINTS);
        hourly.push({
          name,
          intervalSeconds: 3600,
          history: grid.slice(0, -HOURLY_HORIZON),
          future: grid.slice(-HOURLY_HORIZON),
          anomalous: labels.slice(-HOURLY_HORIZON),
        });
      } else {
        const { values, labels } = toGrid(rows, FIVE_MINUTES);
        const h = MINUTE_HOLDOUT_SECONDS / FIVE_MINUTES;
        fiveMinute.push({
          name,
          intervalSeconds: FIVE_MINUTES,
          history: values.slice(0, -h),
          future: values.slice(-h),
          anomalous: labels.slice(-h),
        });
      }
    }
  }
  return { hourly, fiveMinute };
}

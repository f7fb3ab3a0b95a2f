/**
 * The demo's signal model: every value a host reports is a pure function of
 * (seed, host, time) — a daily load cycle, deterministic noise, slow disk
 * growth and the incident schedule — so the seeded history and the live
 * workload describe one continuous series.
 */
import { type HostProfile } from './hosts.ts';
import { activeIncidents, type Incident } from './incidents.ts';
import { gaussianAt } from './random.ts';

/** Noise changes every NOISE_STEP_MS (the live export interval), identically in history and live data. */
export const NOISE_STEP_MS = 5_000;
/** Hour of the day (UTC) when traffic peaks. */
export const PEAK_HOUR_UTC = 15;
export const WEEKEND_LOAD_FACTOR = 0.75;
/** Spread (σ of the log) of request latency. */
export const LATENCY_LOG_SIGMA = 0.45;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface HostSignals {
  cpuUtilization: number;
  memoryUsageBytes: number;
  filesystemUtilization: number;
  requestsPerSecond: number;
  latencyMedianMs: number;
  errorRate: number;
  incidents: Incident[];
}

/** Traffic load in [0, 1]: a daily cosine peaking at PEAK_HOUR_UTC, lower at weekends. */
export function dailyLoad(timeMs: number): number {
  const hour = (timeMs % DAY_MS) / HOUR_MS;
  const load = 0.5 + 0.5 * Math.cos((2 * Math.PI * (hour - PEAK_HOUR_UTC)) / 24);
  const weekday = new Date(timeMs).getUTCDay();
  return weekday === 0 || weekday === 6 ? load * WEEKEND_LOAD_FACTOR : load;
}

/** What `host` reports at `timeMs`. */
export function hostSignals(seed: number, host: HostProfile, timeMs: number): HostSignals {
  const load = dailyLoad(timeMs);
  const step = Math.floor(timeMs / NOISE_STEP_MS);
  const noise = (signal: string) => gaussianAt(seed, `${host.name}/${signal}`, step);
  const incidents = activeIncidents(seed, host.name, timeMs);
  const spike = incidents.some((i) => i.kind === 'spike');
  const shift = incidents.some((i) => i.kind === 'level_shift');
  const leak = incidents.find((i) => i.kind === 'memory_leak');

  let cpu = host.cpuBase + host.cpuDailyAmplitude * load + 0.025 * noise('cpu');
  if (shift) cpu += 0.2;
  if (spike) cpu = Math.max(cpu, 0.9 + 0.03 * noise('cpu-spike'));

  let memory =
    host.memoryBaseBytes + 0.08 * host.memoryTotalBytes * load + 0.01 * host.memoryTotalBytes * noise('memory');
  if (leak) memory += 0.4 * host.memoryTotalBytes * ((timeMs - leak.startMs) / (leak.endMs - leak.startMs));

  const latencyFactor = (spike ? 4 : 1) * (shift ? 2 : 1);
  return {
    cpuUtilization: clamp(cpu, 0.01, 1),
    memoryUsageBytes: Math.round(clamp(memory, 0.05 * host.memoryTotalBytes, host.memoryTotalBytes)),
    filesystemUtilization: clamp(diskFill(host, timeMs) + 0.0005 * noise('disk'), 0, 1),
    requestsPerSecond: host.peakRequestsPerSecond * (0.3 + 0.7 * load),
    latencyMedianMs: host.latencyMedianMs * (1 + 0.5 * load) * latencyFactor,
    errorRate: Math.min(1, host.errorRate * (spike ? 10 : 1)),
    incidents,
  };
}

/** Disk fill: a sawtooth that climbs from `low` to `high` over `fillHours`, holds, then is cleaned up. */
function diskFill(host: HostProfile, timeMs: number): number {
  const { low, high, fillHours, cycleHours, phaseHours } = host.disk;
  const hourInCycle = (((timeMs / HOUR_MS + phaseHours) % cycleHours) + cycleHours) % cycleHours;
  return hourInCycle < fillHours ? low + ((high - low) * hourInCycle) / fillHours : high;
}

function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}

/** P(latency ≤ boundMs) for a log-normal latency with the given median. */
export function latencyCdf(boundMs: number, medianMs: number): number {
  if (boundMs <= 0) return 0;
  return standardNormalCdf((Math.log(boundMs) - Math.log(medianMs)) / LATENCY_LOG_SIGMA);
}

/** Mean of the log-normal latency with the given median. */
export function latencyMeanMs(medianMs: number): number {
  return medianMs * Math.exp((LATENCY_LOG_SIGMA * LATENCY_LOG_SIGMA) / 2);
}

/** Φ(z), via erf (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function standardNormalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

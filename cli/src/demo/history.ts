/**
 * The demo's history at a fixed resolution, as IngestSeries for the Ingestor:
 * gauges sampled from the signal model, the error counter and the latency
 * histogram accumulated (cumulative temporality, like the live SDK exporter)
 * from the start of the history.
 */
import type { IngestSeries } from '@hydra/collector';
import type { Labels } from '@hydra/storage';
import {
  DEMO_HOSTS,
  DEMO_METRICS,
  FILESYSTEM_ATTRIBUTES,
  LATENCY_BOUNDS_MS,
  seriesLabels,
  type HostProfile,
} from './hosts.ts';
import { poissonAt } from './random.ts';
import { hostSignals, latencyCdf, latencyMeanMs } from './signals.ts';

export interface HistoryOptions {
  seed: number;
  fromMs: number;
  toMs: number;
  stepMs: number;
  /** steps per yielded chunk (bounds memory) */
  chunkSteps: number;
  /**
   * After `toMs`, go on at this finer step up to the wall clock (re-read before every chunk, so up to the time the
   * consumer has written what came before): the live workload that follows then starts where the history ends,
   * instead of after a gap as long as the seeding took (a counter that restarts after a gap reads as a drop in rate).
   */
  catchUpStepMs?: number;
  /** the wall clock of the catch-up, epoch ms */
  now?: () => number;
}

interface Accumulator {
  errors: number;
  requests: number;
  latencySumMs: number;
  buckets: number[];
}

/** Yields the history in chunks of `chunkSteps` steps, each chunk one IngestSeries per host and metric. */
export function* demoHistory(options: HistoryOptions): Generator<IngestSeries[]> {
  const { seed, fromMs, toMs, stepMs, chunkSteps } = options;
  const firstMs = Math.ceil(fromMs / stepMs) * stepMs;
  const startUs = firstMs * 1000;
  const state = new Map<string, Accumulator>(
    DEMO_HOSTS.map((h) => [
      h.name,
      { errors: 0, requests: 0, latencySumMs: 0, buckets: new Array<number>(LATENCY_BOUNDS_MS.length + 1).fill(0) },
    ]),
  );
  const chunk = (fromChunkMs: number, toChunkMs: number, step: number): IngestSeries[] =>
    DEMO_HOSTS.flatMap((host) => hostChunk(seed, host, state.get(host.name)!, fromChunkMs, toChunkMs, step, startUs));
  for (let chunkMs = firstMs; chunkMs < toMs; chunkMs += chunkSteps * stepMs) {
    yield chunk(chunkMs, Math.min(toMs, chunkMs + chunkSteps * stepMs), stepMs);
  }
  const { catchUpStepMs, now = Date.now } = options;
  if (catchUpStepMs === undefined) return;
  // the first catch-up point is one catch-up step after the last point of the history
  const lastMs = firstMs + (Math.ceil((toMs - firstMs) / stepMs) - 1) * stepMs;
  let nextMs = Math.max(firstMs - catchUpStepMs, lastMs) + catchUpStepMs;
  for (;;) {
    const untilMs = Math.floor(now() / catchUpStepMs) * catchUpStepMs + 1;
    if (untilMs <= nextMs) return;
    yield chunk(nextMs, untilMs, catchUpStepMs);
    nextMs = untilMs - 1 + catchUpStepMs;
  }
}

function hostChunk(
  seed: number,
  host: HostProfile,
  acc: Accumulator,
  fromMs: number,
  toMs: number,
  stepMs: number,
  startUs: number,
): IngestSeries[] {
  const labels = seriesLabels(host);
  const cpu = series(DEMO_METRICS.cpu, labels);
  const memory = series(DEMO_METRICS.memory, labels);
  const disk = series(DEMO_METRICS.disk, seriesLabels(host, FILESYSTEM_ATTRIBUTES));
  const errors = series(DEMO_METRICS.errors, labels);
  const latency = series(DEMO_METRICS.latency, labels);
  const latencyCount = series(countOf(DEMO_METRICS.latency, '_count'), labels);
  const latencySum = series(countOf(DEMO_METRICS.latency, '_sum'), labels);

  for (let t = fromMs; t < toMs; t += stepMs) {
    const s = hostSignals(seed, host, t);
    const timeUs = t * 1000;
    cpu.samples.push({ timeUs, value: s.cpuUtilization });
    memory.samples.push({ timeUs, value: s.memoryUsageBytes });
    disk.samples.push({ timeUs, value: s.filesystemUtilization });

    const step = Math.floor(t / stepMs);
    const requests = poissonAt(seed, `${host.name}/requests`, step, (s.requestsPerSecond * stepMs) / 1000);
    const failed = poissonAt(seed, `${host.name}/errors`, step, requests * s.errorRate);
    acc.errors += Math.min(failed, requests);
    acc.requests += requests;
    acc.latencySumMs += requests * latencyMeanMs(s.latencyMedianMs);
    addLatencyBuckets(acc.buckets, requests, s.latencyMedianMs);

    errors.samples.push({ timeUs, value: acc.errors });
    latency.histograms.push({
      timeUs,
      startTimeUs: startUs,
      count: acc.requests,
      sum: acc.latencySumMs,
      min: null,
      max: null,
      bounds: [...LATENCY_BOUNDS_MS],
      bucketCounts: [...acc.buckets],
    });
    latencyCount.samples.push({ timeUs, value: acc.requests });
    latencySum.samples.push({ timeUs, value: acc.latencySumMs });
  }
  return [cpu, memory, disk, errors, latency, latencyCount, latencySum];
}

/** Spreads `requests` over the latency buckets by the log-normal CDF (rounded on cumulative counts, so they add up). */
function addLatencyBuckets(buckets: number[], requests: number, medianMs: number): void {
  let below = 0;
  LATENCY_BOUNDS_MS.forEach((bound, i) => {
    const cumulative = Math.round(requests * latencyCdf(bound, medianMs));
    buckets[i]! += cumulative - below;
    below = cumulative;
  });
  buckets[LATENCY_BOUNDS_MS.length]! += requests - below;
}

function series(metric: IngestSeries['ref']['metric'], labels: Labels): IngestSeries {
  return { ref: { metric, labels }, samples: [], histograms: [], expHistograms: [] };
}

/** The `<name>_count` / `<name>_sum` companion of a histogram metric (conventions: kind sum, monotonic). */
function countOf(metric: IngestSeries['ref']['metric'], suffix: '_count' | '_sum'): IngestSeries['ref']['metric'] {
  return {
    name: `${metric.name}${suffix}`,
    kind: 'sum',
    unit: suffix === '_sum' ? metric.unit : '',
    temporality: metric.temporality,
    monotonic: true,
  };
}

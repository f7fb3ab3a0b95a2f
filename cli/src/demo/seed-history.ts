/**
 * Writes the demo's history straight through the Ingestor (the collector's
 * own limits → registry → writer path, without HTTP), a few chunks in flight
 * so the writer can group-commit while the next chunk is generated.
 */
import type { Ingestor } from '@hydra/collector';
import { listMetrics, type Database } from '@hydra/storage';
import { DEMO_SEED } from './hosts.ts';
import { InFlightLimit } from '../runtime/in-flight.ts';
import type { Progress } from '../io/progress.ts';
import { demoHistory } from './history.ts';
import { incidentsBetween, type Incident } from './incidents.ts';
import { EXPORT_INTERVAL_MS } from './workload.ts';

/** Resolution of the seeded history. */
export const SEED_STEP_MS = 60_000;
/** Steps per chunk handed to the Ingestor (6 hours at 60 s: ~12k points). */
export const SEED_CHUNK_STEPS = 360;
/** Chunks being written at once. */
export const SEED_CHUNKS_IN_FLIGHT = 2;

export interface SeedResult {
  points: number;
  rejected: number;
  fromMs: number;
  toMs: number;
  elapsedMs: number;
  /** the injected incidents the history holds */
  incidents: Incident[];
}

export interface SeedOptions {
  days: number;
  toMs?: number;
  seed?: number;
  signal?: AbortSignal;
  /** told of every chunk written (units: steps of SEED_STEP_MS) */
  progress?: Progress;
  /**
   * After `toMs`, write the history on at the live workload's export interval up to the time the seed ends, so
   * the live workload that follows starts where the history stops (`hydra up`); see HistoryOptions.catchUpStepMs.
   */
  catchUp?: boolean;
}

/**
 * Seeds `days` days of history ending at `toMs`; throws when the storage
 * refuses a chunk or a point, or (between chunks) when `signal` aborts.
 */
export async function seedDemoHistory(ingestor: Ingestor, options: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const toMs = Math.floor((options.toMs ?? Date.now()) / SEED_STEP_MS) * SEED_STEP_MS;
  const fromMs = toMs - options.days * 86_400_000;
  const seed = options.seed ?? DEMO_SEED;
  const incidents = incidentsBetween(seed, fromMs, toMs);
  const result: SeedResult = { points: 0, rejected: 0, fromMs, toMs, elapsedMs: 0, incidents };
  const writes = new InFlightLimit(SEED_CHUNKS_IN_FLIGHT);
  const history = demoHistory({
    seed,
    fromMs,
    toMs,
    stepMs: SEED_STEP_MS,
    chunkSteps: SEED_CHUNK_STEPS,
    ...(options.catchUp ? { catchUpStepMs: EXPORT_INTERVAL_MS } : {}),
  });
  const { progress } = options;
  const totalSteps = Math.ceil((toMs - fromMs) / SEED_STEP_MS);
  let stepsDone = 0;
  progress?.start(totalSteps);
  try {
    for (const chunk of history) {
      if (options.signal?.aborted) break;
      const lastUs = chunk[0]?.samples.at(-1)?.timeUs;
      if (lastUs !== undefined) result.toMs = Math.max(result.toMs, lastUs / 1000);
      await writes.add(async () => {
        const r = await ingestor.ingest(chunk);
        result.points += r.acceptedPoints;
        result.rejected += r.rejectedPoints;
        stepsDone = Math.min(totalSteps, stepsDone + SEED_CHUNK_STEPS);
        progress?.update(stepsDone, `${result.points} points`);
        if (r.rejectedPoints > 0)
          throw new Error(`seed: ${r.rejectedPoints} point(s) rejected: ${r.errors.join('; ')}`);
      });
    }
    await writes.drain();
  } finally {
    await writes.settled();
    progress?.stop();
  }
  options.signal?.throwIfAborted();
  result.elapsedMs = performance.now() - started;
  return result;
}

/** Seeds `days` of demo history unless metrics exist (and not `force`); null when it did nothing. */
export async function seedIfEmpty(
  db: Database,
  ingestor: Ingestor,
  options: Pick<SeedOptions, 'days' | 'signal' | 'progress' | 'catchUp'> & { force?: boolean },
): Promise<SeedResult | null> {
  const { force, ...seedOptions } = options;
  if (!force && (await listMetrics(db)).length > 0) return null;
  return seedDemoHistory(ingestor, seedOptions);
}

export function describeSeed(r: SeedResult): string {
  const seconds = r.elapsedMs / 1000;
  const kinds = new Map<string, number>();
  for (const i of r.incidents) kinds.set(i.kind, (kinds.get(i.kind) ?? 0) + 1);
  const incidents = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
  return (
    `seeded ${r.points} points from ${new Date(r.fromMs).toISOString()} to ${new Date(r.toMs).toISOString()} ` +
    `in ${seconds.toFixed(1)} s (${Math.round(r.points / Math.max(seconds, 0.001))} points/s), ` +
    `with ${r.incidents.length} injected incident(s)${incidents ? `: ${incidents}` : ''}`
  );
}

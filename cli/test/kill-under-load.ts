/**
 * The kill test's load and its verdict, shared by the process (collector-kill.test.ts) and the container
 * (deploy/test/containers.integration.test.ts) forms: many concurrent senders post points with distinct values
 * to a collector; after `killAfterAcks` acknowledgements the collector is killed; every acknowledged value must
 * be stored, and no stored value can be one that was never sent.
 */
import type { RangeResult } from '@hydra/storage';

export const KILL_TEST_METRIC = 'kill.test.value';
const CONCURRENT_SENDERS = 16;
/** Points per request, each with its own value. */
const POINTS_PER_REQUEST = 10;

export interface KillUnderLoadResult {
  sent: number;
  acknowledged: number;
  stored: number;
  /** acknowledged values that are not stored: must be empty */
  lost: number[];
  /** stored values that were never sent: must be empty */
  invented: number[];
}

/**
 * Streams points into the collector at `baseUrl` (its HTTP ingest port, `POST /metrics`, auth off), calls `kill`
 * once `killAfterAcks` values were acknowledged, stops sending when requests fail after the kill, then reads the
 * values back with `query` (GET /metrics of the API with the given parameters).
 */
export async function killUnderLoad(options: {
  baseUrl: string;
  killAfterAcks: number;
  kill: () => void | Promise<void>;
  query: (params: Record<string, string>) => Promise<RangeResult>;
}): Promise<KillUnderLoadResult> {
  const baseTimeMs = Date.now() - 600_000;
  const acked: number[] = [];
  let next = 0;
  let killing: Promise<void> | undefined;
  const sender = async () => {
    while (true) {
      const first = next;
      next += POINTS_PER_REQUEST;
      const values = Array.from({ length: POINTS_PER_REQUEST }, (_, i) => first + i);
      try {
        const res = await fetch(`${options.baseUrl}/metrics`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(
            values.map((value) => ({
              name: KILL_TEST_METRIC,
              value,
              host: 'kill-test',
              timestamp: baseTimeMs + value,
            })),
          ),
        });
        await res.arrayBuffer();
        if (res.status === 200) acked.push(...values);
      } catch {
        if (killing) return; // connection refused or reset: the collector is gone
      }
      if (!killing && acked.length >= options.killAfterAcks) killing = Promise.resolve(options.kill());
    }
  };
  await Promise.all(Array.from({ length: CONCURRENT_SENDERS }, sender));
  await killing;
  const stored = await options.query({
    name: KILL_TEST_METRIC,
    host: 'kill-test',
    from: String(baseTimeMs - 1),
    to: String(baseTimeMs + next + 1),
  });
  const values = new Set(stored.series.flatMap((s) => s.points.map(([, v]) => v)));
  return {
    sent: next,
    acknowledged: acked.length,
    stored: values.size,
    lost: acked.filter((v) => !values.has(v)),
    invented: [...values].filter((v) => v === null || v >= next) as number[],
  };
}

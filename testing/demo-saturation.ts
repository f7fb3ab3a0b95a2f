/**
 * An incident on demand for the tests that need an alert from a running `hydra up` demo when none of the demo's own
 * incidents (which follow the wall clock) raised one: a demo host reports its CPU saturated over OTLP/JSON, into the
 * demo's own series, as a workload would.
 *
 * Which host, and how: the default detector learns from a series' recent past (its spread from the last ~4 h of
 * residuals, its record of surprises from the last 2016 points), so a host whose CPU spiked an hour ago is slow to
 * alarm on the next saturation (replayed with the demo model: minute averages of 0.82 scored 0.02–0.38 for ten
 * minutes). The host is the one whose CPU ran lowest over the last 6 hours, and each request carries
 * SATURATED_POINTS points 200 ms apart, so a minute's average (~0.97, beside the demo's own points) is above any
 * demo incident's (~0.91).
 */

/** Points per request, 200 ms apart. */
export const SATURATED_POINTS = 10;

/** One OTLP/JSON request: `host` reports system.cpu.utilization 0.99 for the 2 s before `timeMs`. */
export function saturatedCpu(host: string, timeMs: number): unknown {
  const attribute = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const dataPoints = Array.from({ length: SATURATED_POINTS }, (_, i) => ({
    timeUnixNano: `${timeMs - i * 200}000000`,
    asDouble: 0.99,
  }));
  return {
    resourceMetrics: [
      {
        resource: { attributes: [attribute('service.name', 'demo-shop'), attribute('host.name', host)] },
        scopeMetrics: [
          {
            scope: { name: 'hydra-demo' },
            metrics: [{ name: 'system.cpu.utilization', unit: '1', gauge: { dataPoints } }],
          },
        ],
      },
    ],
  };
}

/** The demo host whose CPU ran lowest over the last 6 hours (GET /metrics of the API at `apiUrl`, auth off). */
export async function quietestCpuHost(apiUrl: string): Promise<string> {
  const query = new URLSearchParams({ name: 'system.cpu.utilization', from: 'now-6h', to: 'now', step: '60' });
  const res = await fetch(`${apiUrl}/metrics?${query}`);
  if (!res.ok) throw new Error(`GET /metrics?${query} answered ${res.status}: ${await res.text()}`);
  const body = (await res.json()) as {
    series: Array<{ labels: Record<string, string>; points: Array<[number, number | null]> }>;
  };
  const peaks = body.series
    .map((s) => ({ host: s.labels['host.name'], peak: Math.max(...s.points.map(([, v]) => v ?? 0)) }))
    .filter((p): p is { host: string; peak: number } => p.host !== undefined)
    .sort((a, b) => a.peak - b.peak);
  if (peaks.length === 0) throw new Error('no demo host reports system.cpu.utilization');
  return peaks[0]!.host;
}

/**
 * Sends one saturated-CPU request for the quietest demo host (chosen at the first call and kept) to the collector at
 * `otlpHttpUrl`; throws unless it is accepted.
 */
export function demoSaturation(apiUrl: string, otlpHttpUrl: string): () => Promise<string> {
  let host: string | undefined;
  return async () => {
    host ??= await quietestCpuHost(apiUrl);
    const res = await fetch(`${otlpHttpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(saturatedCpu(host, Date.now())),
    });
    if (res.status !== 200)
      throw new Error(`saturating ${host}: POST /v1/metrics answered ${res.status}: ${await res.text()}`);
    return host;
  };
}

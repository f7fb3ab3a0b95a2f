/** Small OTLP requests for the receiver suites, and a reader for google.rpc.Status replies. */
import protobuf from 'protobufjs/minimal.js';

export interface GaugePoint {
  name: string;
  value: number;
  attributes?: Record<string, string>;
  /** ms since the epoch; default now */
  timeMs?: number;
}

/** An OTLP JSON ExportMetricsServiceRequest with one gauge metric per point. */
export function otlpJson(
  points: GaugePoint[],
  resource: Record<string, string> = { 'service.name': 'receiver-test' },
): string {
  const kv = (attrs: Record<string, string>) =>
    Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));
  return JSON.stringify({
    resourceMetrics: [
      {
        resource: { attributes: kv(resource) },
        scopeMetrics: [
          {
            scope: { name: 'receiver-test' },
            metrics: points.map((p) => ({
              name: p.name,
              gauge: {
                dataPoints: [
                  {
                    attributes: kv(p.attributes ?? {}),
                    timeUnixNano: `${BigInt(Math.round(p.timeMs ?? Date.now())) * 1_000_000n}`,
                    asDouble: p.value,
                  },
                ],
              },
            })),
          },
        ],
      },
    ],
  });
}

export interface DecodedStatus {
  code: number;
  message: string;
  retryDelaySeconds?: number;
}

/** Decode a google.rpc.Status (with an optional RetryInfo detail). */
export function decodeStatus(bytes: Uint8Array): DecodedStatus {
  const r = protobuf.Reader.create(bytes);
  const out: DecodedStatus = { code: 0, message: '' };
  while (r.pos < r.len) {
    const t = r.uint32();
    if (t === 8) out.code = r.int32();
    else if (t === 18) out.message = r.string();
    else if (t === 26) {
      const any = protobuf.Reader.create(r.bytes());
      while (any.pos < any.len) {
        const at = any.uint32();
        if (at === 18) {
          const info = protobuf.Reader.create(any.bytes());
          info.uint32(); // retry_delay
          const duration = protobuf.Reader.create(info.bytes());
          duration.uint32(); // seconds
          out.retryDelaySeconds = Number(duration.int64());
        } else any.skipType(at & 7);
      }
    } else r.skipType(t & 7);
  }
  return out;
}

/**
 * Hand-encoded Prometheus remote-write 1.0 requests (prompb WriteRequest),
 * written field by field with protobufjs's Writer so the decoder is tested
 * against the wire format, not against itself.
 */
import protobuf from 'protobufjs/minimal.js';
import snappy from 'snappyjs';

export interface RwSample {
  value: number;
  timestampMs: number;
  /** Write the value as Prometheus's staleness marker NaN (0x7ff0000000000002). */
  stale?: boolean;
}

export interface RwSeries {
  labels: Record<string, string>;
  samples: RwSample[];
  /** Native histograms to append (empty messages: their content does not matter here). */
  histograms?: number;
}

/** The bits of the staleness-marker double, as 32-bit words. */
const STALE_NAN_BITS = { low: 0x00000002, high: 0x7ff00000, unsigned: true };

/** An uncompressed WriteRequest. */
export function encodeWriteRequest(series: RwSeries[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const s of series) {
    w.uint32((1 << 3) | 2).fork();
    for (const [name, value] of Object.entries(s.labels)) {
      w.uint32((1 << 3) | 2)
        .fork()
        .uint32((1 << 3) | 2)
        .string(name)
        .uint32((2 << 3) | 2)
        .string(value)
        .ldelim();
    }
    for (const sample of s.samples) {
      w.uint32((2 << 3) | 2).fork();
      if (sample.stale) {
        // protobufjs takes a Long-like {low, high} and writes its bits unchanged
        w.uint32((1 << 3) | 1).fixed64(STALE_NAN_BITS as unknown as number);
      } else {
        w.uint32((1 << 3) | 1).double(sample.value);
      }
      w.uint32((2 << 3) | 0)
        .int64(sample.timestampMs)
        .ldelim();
    }
    for (let i = 0; i < (s.histograms ?? 0); i++)
      w.uint32((4 << 3) | 2)
        .fork()
        .ldelim();
    w.ldelim();
  }
  return w.finish();
}

/** A WriteRequest, snappy block-compressed as Prometheus sends it. */
export function snappyWriteRequest(series: RwSeries[]): Uint8Array {
  return snappy.compress(encodeWriteRequest(series));
}

/** The headers Prometheus sends with a remote-write 1.0 request. */
export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
};

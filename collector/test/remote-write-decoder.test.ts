/**
 * The remote-write 1.0 decoder and header checks on hand-encoded requests:
 * mapping (__name__, labels, ms → µs), stale markers skipped and counted,
 * native histograms refused, repeated series merged, and the errors for bad
 * snappy, bad protobuf, oversized bodies and remote write 2.0.
 */
import { mulberry32 } from '@hydra/analytics';
import snappy from 'snappyjs';
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../src/errors.ts';
import { checkRemoteWriteHeaders } from '../src/http/remote-write-route.ts';
import { decodeWriteRequest, decompressSnappy } from '../src/remote-write/decoder.ts';
import { encodeWriteRequest, snappyWriteRequest, type RwSeries } from './helpers/remote-write.ts';

const MAX_MESSAGES = 10;
const FUZZ_CASES = 2000;
const FUZZ_SEED = 0x7e11;
const FUZZ_MAX_BYTES = 1 << 20;

/** `base` with a few bytes flipped, or truncated. */
function mutate(base: Uint8Array, rand: () => number): Uint8Array {
  const out = Uint8Array.from(base);
  if (rand() < 0.3) return out.subarray(0, Math.floor(rand() * out.length));
  const flips = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < flips; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
  return out;
}
const T0_MS = 1_764_000_000_123;

describe('remote-write decoder', () => {
  it('maps __name__ to the metric, keeps the other labels, and converts ms to µs exactly', () => {
    const buf = encodeWriteRequest([
      {
        labels: { __name__: 'room_temperature', instance: 'h1:9100', job: 'node', room: 'a' },
        samples: [
          { value: 21.5, timestampMs: T0_MS },
          { value: -0.25, timestampMs: T0_MS - 15_000 }, // out of order within the series: kept as sent
        ],
      },
    ]);
    const decoded = decodeWriteRequest(buf, MAX_MESSAGES);
    expect(decoded.points).toBe(2);
    expect(decoded.rejections.total).toBe(0);
    expect(decoded.series).toEqual([
      {
        ref: {
          metric: { name: 'room_temperature', kind: 'gauge', unit: '', temporality: 'unspecified', monotonic: false },
          labels: { instance: 'h1:9100', job: 'node', room: 'a' },
          identityKey: 'remote_write\n16:room_temperature|8:instance7:h1:9100|3:job4:node|4:room1:a',
        },
        samples: [
          { timeUs: T0_MS * 1000, value: 21.5 },
          { timeUs: (T0_MS - 15_000) * 1000, value: -0.25 },
        ],
        histograms: [],
        expHistograms: [],
      },
    ]);
  });

  it('skips and counts stale markers, keeps ordinary NaN, refuses native histograms', () => {
    const buf = encodeWriteRequest([
      {
        labels: { __name__: 'up', job: 'a' },
        samples: [
          { value: 1, timestampMs: T0_MS },
          { value: 0, timestampMs: T0_MS + 1000, stale: true },
          { value: Number.NaN, timestampMs: T0_MS + 2000 },
        ],
      },
      { labels: { __name__: 'gone', job: 'a' }, samples: [{ value: 0, timestampMs: T0_MS, stale: true }] },
      { labels: { __name__: 'latency', job: 'a' }, samples: [], histograms: 2 },
    ]);
    const decoded = decodeWriteRequest(buf, MAX_MESSAGES);
    expect(decoded.points).toBe(6);
    expect(decoded.rejections.skipped).toBe(2);
    expect(decoded.rejections.total).toBe(2);
    expect(decoded.rejections.byReason.get('invalid_point')).toBe(2);
    expect(decoded.rejections.messages).toEqual(['metric latency: 2 native histogram(s) not supported']);
    expect(decoded.series).toHaveLength(1);
    const values = decoded.series[0]!.samples.map((s) => s.value);
    expect(values[0]).toBe(1);
    expect(values[1]).toBeNaN();
  });

  it('merges a series sent twice in one request', () => {
    const labels = { __name__: 'x', b: '2', a: '1' };
    const decoded = decodeWriteRequest(
      encodeWriteRequest([
        { labels, samples: [{ value: 1, timestampMs: T0_MS }] },
        { labels: { __name__: 'x', a: '1', b: '2' }, samples: [{ value: 2, timestampMs: T0_MS + 1 }] },
      ]),
      MAX_MESSAGES,
    );
    expect(decoded.series).toHaveLength(1);
    expect(decoded.series[0]!.samples.map((s) => s.value)).toEqual([1, 2]);
  });

  it('keys a series by name and label set, whatever the label order, so the registry skips known series', () => {
    const keyOf = (labels: Record<string, string>) =>
      decodeWriteRequest(encodeWriteRequest([{ labels, samples: [{ value: 1, timestampMs: T0_MS }] }]), MAX_MESSAGES)
        .series[0]!.ref.identityKey;
    const key = keyOf({ __name__: 'x', a: '1', b: '2' });
    expect(keyOf({ b: '2', __name__: 'x', a: '1' })).toBe(key);
    // label text that imitates the key's own separators cannot make two label sets share a key
    const lookalikes: Array<Record<string, string>> = [
      { __name__: 'x', a: '1|1:b1:2' },
      { __name__: 'x', a: '1' },
      { __name__: 'x1:a', b: '2' },
    ];
    const keys = [key, ...lookalikes.map(keyOf)];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('decodes an empty request to nothing', () => {
    expect(decodeWriteRequest(new Uint8Array(0), MAX_MESSAGES)).toMatchObject({ series: [], points: 0 });
  });

  it('refuses truncated protobuf with InvalidRequestError naming the message', () => {
    const buf = encodeWriteRequest([{ labels: { __name__: 'x' }, samples: [{ value: 1, timestampMs: T0_MS }] }]);
    const truncated = () => decodeWriteRequest(buf.subarray(0, buf.length - 3), MAX_MESSAGES);
    expect(truncated).toThrow(InvalidRequestError);
    expect(truncated).toThrow(/not a valid remote-write WriteRequest/);
  });

  it('round-trips snappy and refuses bad snappy (400) and oversized bodies (413) before inflating', () => {
    const compressed = snappyWriteRequest([{ labels: { __name__: 'x' }, samples: [{ value: 1, timestampMs: 1 }] }]);
    expect(decodeWriteRequest(decompressSnappy(compressed, 1024), MAX_MESSAGES).points).toBe(1);
    expect(() => decompressSnappy(Buffer.from('not snappy at all'), 1024)).toThrow(InvalidRequestError);
    expect(() => decompressSnappy(new Uint8Array(0), 1024)).toThrow(/empty/);
    const big = snappy.compress(new Uint8Array(100_000));
    expect(big.length).toBeLessThan(10_000);
    expect(() => decompressSnappy(big, 50_000)).toThrow(PayloadTooLargeError);
    expect(() => decompressSnappy(big, 50_000)).toThrow(
      /declares 100000 bytes after snappy decompression; the limit is 50000/,
    );
  });
});

describe('remote-write decoder under mutation', () => {
  it(`${FUZZ_CASES} mutated bodies (snappy and protobuf) decode or fail with a 400/413 error, never another`, () => {
    const rand = mulberry32(FUZZ_SEED);
    const series: RwSeries[] = [
      { labels: { __name__: 'a', job: 'j', instance: 'i' }, samples: [{ value: 1.5, timestampMs: T0_MS }] },
      { labels: { __name__: 'b' }, samples: [{ value: 0, timestampMs: T0_MS, stale: true }], histograms: 1 },
    ];
    const raw = encodeWriteRequest(series);
    const compressed = snappyWriteRequest(series);
    let refused = 0;
    for (let i = 0; i < FUZZ_CASES; i++) {
      const viaSnappy = i % 2 === 0;
      const input = mutate(viaSnappy ? compressed : raw, rand);
      try {
        decodeWriteRequest(viaSnappy ? decompressSnappy(input, FUZZ_MAX_BYTES) : input, MAX_MESSAGES);
      } catch (err) {
        if (!(err instanceof InvalidRequestError) && !(err instanceof PayloadTooLargeError)) {
          throw new Error(`case ${i}: ${String(err)} for ${Buffer.from(input).toString('hex')}`);
        }
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(0);
  });
});

describe('remote-write headers', () => {
  it('accepts remote write 1.0 with or without the proto parameter', () => {
    expect(() => checkRemoteWriteHeaders('application/x-protobuf', 'snappy')).not.toThrow();
    expect(() =>
      checkRemoteWriteHeaders('application/x-protobuf;proto=prometheus.WriteRequest', 'snappy'),
    ).not.toThrow();
  });

  it('refuses remote write 2.0, other content types and encodings with 415 messages', () => {
    const v2 = () => checkRemoteWriteHeaders('application/x-protobuf;proto=io.prometheus.write.v2.Request', 'snappy');
    expect(v2).toThrow(UnsupportedMediaTypeError);
    expect(v2).toThrow(/'io.prometheus.write.v2.Request' is not supported: only remote write 1.0/);
    expect(() => checkRemoteWriteHeaders('application/json', 'snappy')).toThrow(/Content-Type 'application\/json'/);
    expect(() => checkRemoteWriteHeaders('application/x-protobuf', 'gzip')).toThrow(/Content-Encoding 'gzip'/);
    expect(() => checkRemoteWriteHeaders('application/x-protobuf', undefined)).toThrow(/Content-Encoding ''/);
  });
});

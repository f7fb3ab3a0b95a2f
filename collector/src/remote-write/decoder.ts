/**
 * Prometheus remote write 1.0: a snappy block-compressed `prometheus.WriteRequest`
 * (prompb/remote.proto, types.proto) decoded by hand over protobufjs's Reader,
 * like the OTLP decoder, into IngestSeries. `__name__` names the metric, every
 * other label is kept as a label; remote write 1.0 carries no type, so every
 * series is a gauge with unspecified temporality. Stale markers are skipped and
 * counted; native histograms (field 4) and non-finite timestamps are rejected.
 */
import type { Labels, SeriesRef } from '@hydra/storage';
import snappy from 'snappyjs';
import { InvalidRequestError, PayloadTooLargeError } from '../errors.ts';
import { Rejections } from '../rejections.ts';
import type { DecodedRequest } from '../series-builder.ts';
import type { IngestPoint, IngestSeries } from '../types.ts';
import { Reader, readString, readUint64Varint, subEnd, tag, WIRE_I64, WIRE_LEN, WIRE_VARINT } from '../otlp/wire.ts';

/** The label that carries the metric name. */
export const METRIC_NAME_LABEL = '__name__';
/** Prometheus's staleness marker: a NaN with this exact bit pattern (value/value.go). */
export const STALE_NAN_HI = 0x7ff00000;
export const STALE_NAN_LO = 0x00000002;

const US_PER_MS = 1000;
const TWO_POW_63 = 2 ** 63;

// WriteRequest / TimeSeries / Label / Sample
const REQUEST_TIMESERIES = tag(1, WIRE_LEN);
const TS_LABELS = tag(1, WIRE_LEN);
const TS_SAMPLES = tag(2, WIRE_LEN);
const TS_HISTOGRAMS = tag(4, WIRE_LEN);
const LABEL_NAME = tag(1, WIRE_LEN);
const LABEL_VALUE = tag(2, WIRE_LEN);
const SAMPLE_VALUE = tag(1, WIRE_I64);
const SAMPLE_TIMESTAMP = tag(2, WIRE_VARINT);

/**
 * Remove the snappy block compression, refusing (413) a body whose declared
 * uncompressed length exceeds `maxBytes` before anything is allocated, and
 * (400) a body that is not valid snappy.
 */
export function decompressSnappy(body: Uint8Array, maxBytes: number): Uint8Array {
  if (body.length === 0)
    throw new InvalidRequestError('the request body is empty; expected a snappy-compressed WriteRequest');
  let declared: number;
  try {
    declared = new Reader(body).uint32();
  } catch (err) {
    throw new InvalidRequestError(`the request body is not valid snappy: ${(err as Error).message}`);
  }
  if (declared > maxBytes) {
    throw new PayloadTooLargeError(
      `the request body declares ${declared} bytes after snappy decompression; the limit is ${maxBytes}`,
    );
  }
  // snappyjs allocates the declared length and leaves what a truncated body never wrote as zeros (which then
  // decode as empty protobuf): the elements must add up to exactly the declared length before anything is allocated.
  const elements = snappyElementsLength(body);
  if (elements !== declared) {
    throw new InvalidRequestError(
      `the request body is not valid snappy: it declares ${declared} bytes but its ${body.length} bytes hold ${elements < 0 ? 'a truncated element' : `${elements}`}`,
    );
  }
  try {
    return snappy.uncompress(body, maxBytes);
  } catch (err) {
    throw new InvalidRequestError(`the request body is not valid snappy: ${(err as Error).message}`);
  }
}

/**
 * The uncompressed length a snappy block's elements add up to (format_description.txt:
 * literals, and copies with 1-, 2- and 4-byte offsets), walked without decompressing;
 * -1 when an element runs past the end of the body. Offsets are checked by snappyjs.
 */
export function snappyElementsLength(body: Uint8Array): number {
  let pos = 0;
  while (pos < body.length && body[pos]! >= 0x80) pos++;
  pos++; // the preamble's last byte
  let total = 0;
  while (pos < body.length) {
    const tagByte = body[pos++]!;
    const kind = tagByte & 3;
    if (kind === 0) {
      let len = tagByte >>> 2;
      if (len >= 60) {
        const extra = len - 59;
        if (pos + extra > body.length) return -1;
        len = 0;
        for (let i = 0; i < extra; i++) len += body[pos + i]! * 2 ** (8 * i);
        pos += extra;
      }
      len += 1;
      pos += len;
      total += len;
    } else if (kind === 1) {
      pos += 1;
      total += 4 + ((tagByte >>> 2) & 7);
    } else {
      pos += kind === 2 ? 2 : 4;
      total += 1 + (tagByte >>> 2);
    }
    if (pos > body.length) return -1;
  }
  return total;
}

/** Decode an uncompressed WriteRequest; throws InvalidRequestError when it is not valid protobuf. */
export function decodeWriteRequest(buf: Uint8Array, maxMessages: number): DecodedRequest {
  const rejections = new Rejections(maxMessages);
  const bySeries = new Map<string, IngestSeries>();
  let points = 0;
  const r = new Reader(buf);
  try {
    while (r.pos < r.len) {
      const t = r.uint32();
      if (t === REQUEST_TIMESERIES) {
        const decoded = readTimeSeries(r, subEnd(r, r.len), rejections);
        points += decoded.points;
        if (decoded.series) addSeries(bySeries, decoded.series);
      } else {
        r.skipType(t & 7);
      }
    }
  } catch (err) {
    if (err instanceof InvalidRequestError) throw err;
    throw new InvalidRequestError(
      `the request body is not a valid remote-write WriteRequest: ${(err as Error).message}`,
    );
  }
  return { series: [...bySeries.values()], points, rejections };
}

interface DecodedTimeSeries {
  series: IngestSeries | null;
  points: number;
}

function readTimeSeries(r: Reader, end: number, rejections: Rejections): DecodedTimeSeries {
  const labels: Labels = {};
  let name = '';
  const samples: IngestPoint[] = [];
  let stale = 0;
  let badTimestamps = 0;
  let histograms = 0;
  while (r.pos < end) {
    const t = r.uint32();
    if (t === TS_LABELS) {
      const [key, value] = readLabel(r, subEnd(r, end));
      if (key === METRIC_NAME_LABEL) name = value;
      else labels[key] = value;
    } else if (t === TS_SAMPLES) {
      const sample = readSample(r, subEnd(r, end));
      if (sample === 'stale') stale++;
      else if (sample === null) badTimestamps++;
      else samples.push(sample);
    } else if (t === TS_HISTOGRAMS) {
      r.pos = subEnd(r, end);
      histograms++;
    } else {
      r.skipType(t & 7);
    }
  }
  if (r.pos !== end) throw new RangeError('a TimeSeries runs past its length');
  rejections.skipped += stale;
  const shown = name === '' ? '(no __name__)' : name;
  rejections.add('invalid_point', histograms, () => `metric ${shown}: ${histograms} native histogram(s) not supported`);
  rejections.add(
    'invalid_point',
    badTimestamps,
    () => `metric ${shown}: ${badTimestamps} sample(s) with a negative timestamp`,
  );
  const points = samples.length + stale + badTimestamps + histograms;
  if (samples.length === 0) return { series: null, points };
  // an empty name is refused by the Ingestor's limits ('invalid_name'), with the other label checks
  // The name and label set decide the series (every remote-write metric is the same untyped gauge), so their key
  // is the registry's identity key: a known series skips its validation and label canonicalisation.
  const ref: SeriesRef = {
    metric: { name, kind: 'gauge', unit: '', temporality: 'unspecified', monotonic: false },
    labels,
    identityKey: REMOTE_WRITE_KEY_PREFIX + labelSetKey(name, labels),
  };
  return { series: { ref, samples, histograms: [], expHistograms: [] }, points };
}

function readLabel(r: Reader, end: number): [string, string] {
  let key = '';
  let value = '';
  while (r.pos < end) {
    const t = r.uint32();
    if (t === LABEL_NAME) key = readString(r);
    else if (t === LABEL_VALUE) value = readString(r);
    else r.skipType(t & 7);
  }
  if (r.pos !== end) throw new RangeError('a Label runs past its length');
  return [key, value];
}

/** A sample, 'stale' for a staleness marker, or null for a negative timestamp. */
function readSample(r: Reader, end: number): IngestPoint | 'stale' | null {
  let value = 0;
  let timestampMs = 0;
  let isStale = false;
  while (r.pos < end) {
    const t = r.uint32();
    if (t === SAMPLE_VALUE) {
      const lo = r.buf[r.pos]! | (r.buf[r.pos + 1]! << 8) | (r.buf[r.pos + 2]! << 16) | (r.buf[r.pos + 3]! << 24);
      const hi = r.buf[r.pos + 4]! | (r.buf[r.pos + 5]! << 8) | (r.buf[r.pos + 6]! << 16) | (r.buf[r.pos + 7]! << 24);
      isStale = hi >>> 0 === STALE_NAN_HI && lo >>> 0 === STALE_NAN_LO;
      value = r.double();
    } else if (t === SAMPLE_TIMESTAMP) {
      timestampMs = readUint64Varint(r);
    } else {
      r.skipType(t & 7);
    }
  }
  if (r.pos !== end) throw new RangeError('a Sample runs past its length');
  if (isStale) return 'stale';
  if (timestampMs >= TWO_POW_63) return null;
  return { timeUs: timestampMs * US_PER_MS, value };
}

/** Merge a series into the request's map: the same label set sent twice becomes one series. */
function addSeries(bySeries: Map<string, IngestSeries>, s: IngestSeries): void {
  const key = s.ref.identityKey!;
  const existing = bySeries.get(key);
  if (existing) existing.samples.push(...s.samples);
  else bySeries.set(key, s);
}

/**
 * Prefix of remote-write identity keys: '_' never occurs in the OTLP path's base-36 prefix tokens, so the two
 * paths' keys cannot collide in the registry's alias cache.
 */
const REMOTE_WRITE_KEY_PREFIX = 'remote_write\n';

/** A key of the name and label set; Prometheus sends labels sorted, so sorting is needed only when they are not. */
function labelSetKey(name: string, labels: Labels): string {
  let keys = Object.keys(labels);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys = keys.sort();
      break;
    }
  }
  let key = `${name.length}:${name}`;
  for (const k of keys) {
    const v = labels[k]!;
    key += `|${k.length}:${k}${v.length}:${v}`;
  }
  return key;
}

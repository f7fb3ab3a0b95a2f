/**
 * OTLP KeyValue / AnyValue (common/v1/common.proto) decoded into label
 * strings: strings as they are, bools and numbers in their decimal form,
 * bytes as base64, arrays and key-value lists as JSON.
 */
import { readInt64String, readString, subEnd, tag, WIRE_I64, WIRE_LEN, WIRE_VARINT, type Reader } from './wire.ts';
import type { Labels } from '@hydra/storage';

/** Nesting of arrays and key-value lists an attribute value may have. */
export const MAX_ANY_VALUE_DEPTH = 16;

const KV_KEY = tag(1, WIRE_LEN);
const KV_VALUE = tag(2, WIRE_LEN);
const ANY_STRING = tag(1, WIRE_LEN);
const ANY_BOOL = tag(2, WIRE_VARINT);
const ANY_INT = tag(3, WIRE_VARINT);
const ANY_DOUBLE = tag(4, WIRE_I64);
const ANY_ARRAY = tag(5, WIRE_LEN);
const ANY_KVLIST = tag(6, WIRE_LEN);
const ANY_BYTES = tag(7, WIRE_LEN);
const LIST_VALUES = tag(1, WIRE_LEN);

/**
 * Attribute keys repeat on every point ("service.name", "http.route", …):
 * the last few distinct keys are remembered with their bytes, so a repeated
 * key is compared, not decoded and allocated again.
 */
export const KEY_CACHE_ENTRIES = 16;
/** Longer keys are always decoded. */
export const MAX_CACHED_KEY_BYTES = 64;
const cachedKeyBytes: Uint8Array[] = [];
const cachedKeys: string[] = [];
let keyCacheCursor = 0;

/** A string field, from the key cache when its bytes match a remembered key. */
function readKey(r: Reader): string {
  const lengthAt = r.pos;
  const len = r.uint32();
  const start = r.pos;
  if (len <= MAX_CACHED_KEY_BYTES && start + len <= r.len) {
    const buf = r.buf;
    for (let i = 0; i < cachedKeyBytes.length; i++) {
      const bytes = cachedKeyBytes[i]!;
      if (bytes.length !== len) continue;
      let j = 0;
      while (j < len && buf[start + j] === bytes[j]) j++;
      if (j === len) {
        r.pos = start + len;
        return cachedKeys[i]!;
      }
    }
    r.pos = lengthAt;
    const key = readString(r);
    cachedKeyBytes[keyCacheCursor] = new Uint8Array(buf.subarray(start, start + len)); // a copy: never pin the request
    cachedKeys[keyCacheCursor] = key;
    keyCacheCursor = (keyCacheCursor + 1) % KEY_CACHE_ENTRIES;
    return key;
  }
  r.pos = lengthAt;
  return readString(r);
}

/** Decode one KeyValue (the reader is at its length prefix) into `into[key]`. */
export function readKeyValue(r: Reader, limit: number, into: Labels): void {
  const end = subEnd(r, limit);
  let key = '';
  let value = '';
  while (r.pos < end) {
    const t = r.uint32();
    if (t === KV_KEY) key = readKey(r);
    else if (t === KV_VALUE) value = anyValueString(r, subEnd(r, end));
    else r.skipType(t & 7);
  }
  into[key] = value;
}

/** An AnyValue as a label string. */
function anyValueString(r: Reader, end: number): string {
  const v = anyValue(r, end, 0);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (v === null) return '';
  return JSON.stringify(v);
}

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

function anyValue(r: Reader, end: number, depth: number): Json {
  if (depth > MAX_ANY_VALUE_DEPTH)
    throw new RangeError(`an attribute value nests deeper than ${MAX_ANY_VALUE_DEPTH} levels`);
  let v: Json = null;
  while (r.pos < end) {
    const t = r.uint32();
    switch (t) {
      case ANY_STRING:
        v = readString(r);
        break;
      case ANY_BOOL:
        v = r.bool();
        break;
      case ANY_INT: {
        const s = readInt64String(r);
        const n = Number(s);
        v = Number.isSafeInteger(n) ? n : s;
        break;
      }
      case ANY_DOUBLE:
        v = r.double();
        break;
      case ANY_ARRAY:
        v = readList(r, subEnd(r, end), depth);
        break;
      case ANY_KVLIST: {
        const obj: { [k: string]: Json } = {};
        for (const [k, item] of readKvList(r, subEnd(r, end), depth)) obj[k] = item;
        v = obj;
        break;
      }
      case ANY_BYTES:
        v = Buffer.from(r.bytes()).toString('base64');
        break;
      default:
        r.skipType(t & 7);
    }
  }
  return v;
}

function readList(r: Reader, end: number, depth: number): Json[] {
  const out: Json[] = [];
  while (r.pos < end) {
    const t = r.uint32();
    if (t === LIST_VALUES) out.push(anyValue(r, subEnd(r, end), depth + 1));
    else r.skipType(t & 7);
  }
  return out;
}

function readKvList(r: Reader, end: number, depth: number): Array<[string, Json]> {
  const out: Array<[string, Json]> = [];
  while (r.pos < end) {
    const t = r.uint32();
    if (t !== LIST_VALUES) {
      r.skipType(t & 7);
      continue;
    }
    const kvEnd = subEnd(r, end);
    let key = '';
    let value: Json = null;
    while (r.pos < kvEnd) {
      const kt = r.uint32();
      if (kt === KV_KEY) key = readString(r);
      else if (kt === KV_VALUE) value = anyValue(r, subEnd(r, kvEnd), depth + 1);
      else r.skipType(kt & 7);
    }
    out.push([key, value]);
  }
  return out;
}

/**
 * Protobuf wire helpers on top of protobufjs's Reader: 64-bit values read as
 * two 32-bit words so nanosecond timestamps become microseconds exactly, and
 * sub-message bounds that are checked against the buffer.
 */
import protobuf from 'protobufjs/minimal.js';

export const { Reader, Writer } = protobuf;
export type Reader = protobuf.Reader;
export type Writer = protobuf.Writer;

const TWO_POW_32 = 4294967296;
const NS_PER_US = 1000;

/** Wire types (the low three bits of a tag). */
export const WIRE_VARINT = 0;
export const WIRE_I64 = 1;
export const WIRE_LEN = 2;
export const WIRE_I32 = 5;

/** The tag of `field` with wire type `wire`, as it appears on the wire. */
export function tag(field: number, wire: number): number {
  return (field << 3) | wire;
}

/** Read a length prefix and return the end offset of the sub-message, checked against the buffer. */
export function subEnd(r: Reader, limit: number): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > limit) throw new RangeError(`a length-delimited field of ${len} bytes runs past its message`);
  return end;
}

/** A fixed64 nanosecond timestamp as whole microseconds, exact (truncated toward zero), split in 32-bit words. */
export function readNanosAsMicros(r: Reader): number {
  const lo = r.fixed32();
  const hi = r.fixed32();
  const hiQuotient = Math.floor(hi / NS_PER_US);
  const hiRemainder = hi - hiQuotient * NS_PER_US;
  // value = hiQuotient·1000·2³² + (hiRemainder·2³² + lo); the bracket is < 2⁴³, exact in a double.
  return hiQuotient * TWO_POW_32 + Math.floor((hiRemainder * TWO_POW_32 + lo) / NS_PER_US);
}

/** An unsigned fixed64 as a number (exact up to 2⁵³). */
export function readFixed64(r: Reader): number {
  const lo = r.fixed32();
  const hi = r.fixed32();
  return hi * TWO_POW_32 + lo;
}

/** A signed fixed64 (sfixed64) as a number (exact up to ±2⁵³). */
export function readSfixed64(r: Reader): number {
  const lo = r.fixed32();
  const hi = r.fixed32() | 0;
  return hi * TWO_POW_32 + lo;
}

/** An unsigned varint of up to 64 bits as a number (exact up to 2⁵³). */
export function readUint64Varint(r: Reader): number {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (r.pos >= r.len) throw new RangeError('a varint runs past the end of the buffer');
    const byte = r.buf[r.pos++]!;
    result += (byte & 0x7f) * scale;
    if (byte < 0x80) return result;
    scale *= 128;
  }
  throw new RangeError('a varint is longer than 10 bytes');
}

/** A signed int64 varint as its exact decimal string. */
export function readInt64String(r: Reader): string {
  const v = r.int64() as unknown as number | { toString(): string };
  return typeof v === 'number' ? String(v) : v.toString();
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const { utf8 } = protobuf.util;

/**
 * A protobuf `string` field, refused (RangeError) unless it is valid UTF-8:
 * protobufjs's own reader turns invalid bytes into other characters, which
 * PostgreSQL would then store as something the sender never sent. ASCII (the
 * common case) is read by protobufjs; anything else through a fatal TextDecoder.
 */
export function readString(r: Reader): string {
  const len = r.uint32();
  const start = r.pos;
  const end = start + len;
  if (end > r.len) throw new RangeError(`a string of ${len} bytes runs past the end of the buffer`);
  r.pos = end;
  const buf = r.buf;
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) {
      try {
        return strictUtf8.decode(buf.subarray(start, end));
      } catch {
        throw new RangeError('a string field is not valid UTF-8');
      }
    }
  }
  return utf8.read(buf, start, end);
}

/** Decodes a request body as UTF-8, or throws RangeError when it is not valid UTF-8. */
export function decodeUtf8Strict(body: Uint8Array): string {
  try {
    return strictUtf8.decode(body);
  } catch {
    throw new RangeError('the request body is not valid UTF-8');
  }
}
